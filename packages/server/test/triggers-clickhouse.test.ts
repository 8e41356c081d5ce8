import { describe } from 'vitest';
import { runTriggersSuite } from './triggers-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared triggers suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('triggers-clickhouse');
if (status.ok) runTriggersSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_triggers'), 'postgres');
else describe.skip(`triggers on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('triggers-clickhouse');
if (current.ok) runTriggersSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`triggers on a current ClickHouse release (${current.reason})`, () => {});
