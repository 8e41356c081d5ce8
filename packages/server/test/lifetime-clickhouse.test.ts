import { describe } from 'vitest';
import { runLifetimeSuite } from './lifetime-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared churn and lifetime-value suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('lifetime-clickhouse');
if (status.ok) runLifetimeSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_lifetime'));
else describe.skip(`churn and lifetime value on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('lifetime-clickhouse');
if (current.ok) runLifetimeSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`churn and lifetime value on a current ClickHouse release (${current.reason})`, () => {});
