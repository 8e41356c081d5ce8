import { describe } from 'vitest';
import { runTriggersSuite } from './triggers-suite';
import { openLocalDuckDbStore } from './helpers/stats';
import { postgresAvailable } from './helpers/meta-engines';

// The shared triggers suite on the embedded engine, with SQLite and with PostgreSQL metadata.
runTriggersSuite('DuckDB', openLocalDuckDbStore, 'sqlite');
const pg = await postgresAvailable();
if (pg.ok) runTriggersSuite('DuckDB', openLocalDuckDbStore, 'postgres');
else describe.skip(`triggers with PostgreSQL metadata (${pg.reason})`, () => {});
