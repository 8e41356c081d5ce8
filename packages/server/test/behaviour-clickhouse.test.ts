import { describe } from 'vitest';
import { runBehaviourSuite } from './behaviour-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// Heatmap grid and reports on ClickHouse: Debian's 18.16 server and a current release in-process (chdb).
const status = await clickhouseAvailable('behaviour-clickhouse');
if (status.ok) runBehaviourSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_behaviour'));
else describe.skip(`heatmaps on ClickHouse 18.16 (${status.reason})`, () => {});
const chdb = loadChdb('behaviour-clickhouse');
if (chdb.ok) runBehaviourSuite('ClickHouse, current release (chdb)', () => openChdbStore(chdb.chdb));
else describe.skip(`heatmaps on a current ClickHouse (${chdb.reason})`, () => {});
