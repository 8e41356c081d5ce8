import { describe } from 'vitest';
import { runProfilesSuite } from './profiles-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared profiles suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('profiles-clickhouse');
if (status.ok) runProfilesSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_profiles'));
else describe.skip(`profiles on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('profiles-clickhouse');
if (current.ok) runProfilesSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`profiles on a current ClickHouse release (${current.reason})`, () => {});
