import { describe } from 'vitest';
import { runLeadModelSuite } from './lead-model-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared lead-score model suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('lead-model-clickhouse');
if (status.ok) runLeadModelSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_lead_model'));
else describe.skip(`lead-score model on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('lead-model-clickhouse');
if (current.ok) runLeadModelSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`lead-score model on a current ClickHouse release (${current.reason})`, () => {});
