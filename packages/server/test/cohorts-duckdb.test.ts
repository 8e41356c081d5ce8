import { runCohortsSuite } from './cohorts-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared cohorts suite on the embedded engine.
runCohortsSuite('DuckDB', openLocalDuckDbStore);
