import { runStatsSuite } from './stats-suite';
import { openLocalDuckDbStore } from './stats-helpers';

// The shared report suite on the embedded engine.
runStatsSuite('DuckDB', openLocalDuckDbStore);
