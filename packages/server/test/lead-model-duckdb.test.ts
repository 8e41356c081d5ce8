import { runLeadModelSuite } from './lead-model-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared lead-score model suite on the embedded engine.
runLeadModelSuite('DuckDB', openLocalDuckDbStore);
