import { describe } from 'vitest';
import { runExperimentsSuite } from './experiments-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared experiments suite on ClickHouse: Debian's 18.16 server and a current release in-process (chdb).
const status = await clickhouseAvailable('experiments-clickhouse');
if (status.ok) runExperimentsSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_experiments'));
else describe.skip(`experiments on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('experiments-clickhouse');
if (current.ok) runExperimentsSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`experiments on a current ClickHouse release (${current.reason})`, () => {});
