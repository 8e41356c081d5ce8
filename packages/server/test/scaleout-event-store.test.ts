import { describe } from 'vitest';
import { runEventStoreSuite } from './event-store-suite';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The EventStore contract (the same suite as DuckDB's) on ClickHouse.
const status = await clickhouseAvailable('scaleout-event-store');
if (status.ok) runEventStoreSuite('ClickHouse', () => openTempClickHouseStore('tidemark_contract'));
else describe.skip(`EventStore contract on ClickHouse (${status.reason})`, () => {});
