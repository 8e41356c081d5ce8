import { describe } from 'vitest';
import { runSegmentsSuite } from './segments-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared segments suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('segments-clickhouse');
if (status.ok) runSegmentsSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_segments'));
else describe.skip(`segments on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('segments-clickhouse');
if (current.ok) runSegmentsSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`segments on a current ClickHouse release (${current.reason})`, () => {});
