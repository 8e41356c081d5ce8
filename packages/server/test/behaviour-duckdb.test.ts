import { runBehaviourSuite } from './behaviour-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// Heatmap grid and reports on the embedded engine.
runBehaviourSuite('DuckDB', openLocalDuckDbStore);
