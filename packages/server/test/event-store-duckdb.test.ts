import { runEventStoreSuite } from './event-store-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The EventStore contract on the embedded engine (in memory).
runEventStoreSuite('DuckDB', openLocalDuckDbStore);
