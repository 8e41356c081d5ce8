import { runGoalsSuite } from './goals-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// Goals over the shared fixture on the embedded engine.
runGoalsSuite('DuckDB', openLocalDuckDbStore);
