import { runExperimentsSuite } from './experiments-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared experiments suite on the embedded engine.
runExperimentsSuite('DuckDB', openLocalDuckDbStore);
