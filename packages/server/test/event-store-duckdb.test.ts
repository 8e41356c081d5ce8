import { runEventStoreSuite } from './event-store-suite';
import { openLocalDuckDbStore } from './stats-helpers';

// The EventStore contract on the embedded engine (in memory).
runEventStoreSuite('DuckDB', openLocalDuckDbStore);
