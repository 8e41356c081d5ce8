import { runLifetimeSuite } from './lifetime-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared churn and lifetime-value suite on the embedded engine.
runLifetimeSuite('DuckDB', openLocalDuckDbStore);
