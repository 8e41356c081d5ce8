import { describe } from 'vitest';
import { runGoalsSuite } from './goals-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// Goals over the shared fixture on ClickHouse: Debian's 18.16 server and a current release in-process (chdb).
const status = await clickhouseAvailable('goals-clickhouse');
if (status.ok) runGoalsSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_goals'));
else describe.skip(`goals on ClickHouse 18.16 (${status.reason})`, () => {});
const chdb = loadChdb('goals-clickhouse');
if (chdb.ok) runGoalsSuite('ClickHouse, current release (chdb)', () => openChdbStore(chdb.chdb));
else describe.skip(`goals on a current ClickHouse (${chdb.reason})`, () => {});
