import { runProfilesSuite } from './profiles-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared profiles suite on the embedded engine.
runProfilesSuite('DuckDB', openLocalDuckDbStore);
