import { runFunnelSuite } from './funnel-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared funnel suite on the embedded engine (window functions).
runFunnelSuite('DuckDB', openLocalDuckDbStore);
