import { describe } from 'vitest';
import { runPathsSuite } from './paths-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared paths suite on ClickHouse: Debian's 18.16 server (arrays, no window functions) and a
// current release in-process (chdb), whose analyzer is stricter about the same SQL.
const status = await clickhouseAvailable('paths-clickhouse');
if (status.ok) runPathsSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_paths'));
else describe.skip(`paths on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('paths-clickhouse');
if (current.ok) runPathsSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`paths on a current ClickHouse release (${current.reason})`, () => {});
