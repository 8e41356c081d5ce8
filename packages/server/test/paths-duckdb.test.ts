import { runPathsSuite } from './paths-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared paths suite on the embedded engine.
runPathsSuite('DuckDB', openLocalDuckDbStore);
