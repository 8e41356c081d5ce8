import { describe } from 'vitest';
import { runStatsSuite } from './stats-suite';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared report suite (the same fixture and expectations as DuckDB) on ClickHouse.
const status = await clickhouseAvailable('scaleout-stats');
if (status.ok) runStatsSuite('ClickHouse', () => openTempClickHouseStore('tidemark_stats'));
else describe.skip(`stats reports on ClickHouse (${status.reason})`, () => {});
