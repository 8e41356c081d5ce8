import { describe } from 'vitest';
import { runPeopleStatsSuite } from './people-stats-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared unit=people / user_id suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('people-stats-clickhouse');
if (status.ok) runPeopleStatsSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_people_stats'));
else describe.skip(`people stats on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('people-stats-clickhouse');
if (current.ok) runPeopleStatsSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`people stats on a current ClickHouse release (${current.reason})`, () => {});
