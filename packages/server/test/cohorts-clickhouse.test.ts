import { describe } from 'vitest';
import { runCohortsSuite } from './cohorts-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared cohorts suite on ClickHouse: Debian's 18.16 server (arrays, no window functions) and a
// current release in-process (chdb), whose analyzer is stricter about the same SQL.
const status = await clickhouseAvailable('cohorts-clickhouse');
if (status.ok) runCohortsSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_cohorts'));
else describe.skip(`cohorts on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('cohorts-clickhouse');
if (current.ok) runCohortsSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`cohorts on a current ClickHouse release (${current.reason})`, () => {});
