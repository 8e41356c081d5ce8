import { runReplayStoreSuite } from './replay-store-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The ReplayStore suite on the embedded engine: chunk files under a temporary data directory, indexed in DuckDB.
runReplayStoreSuite('DuckDB', openLocalDuckDbStore);
