import { describe } from 'vitest';
import { runScoringSuite } from './scoring-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared lead-scoring suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('scoring-clickhouse');
if (status.ok) runScoringSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_scoring'));
else describe.skip(`lead scoring on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('scoring-clickhouse');
if (current.ok) runScoringSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`lead scoring on a current ClickHouse release (${current.reason})`, () => {});
