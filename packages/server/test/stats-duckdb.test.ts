import { runStatsSuite } from './stats-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared report suite on the embedded engine.
runStatsSuite('DuckDB', openLocalDuckDbStore);
