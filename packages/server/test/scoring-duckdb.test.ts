import { runScoringSuite } from './scoring-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared lead-scoring suite on the embedded engine.
runScoringSuite('DuckDB', openLocalDuckDbStore);
