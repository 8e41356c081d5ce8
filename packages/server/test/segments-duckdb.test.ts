import { runSegmentsSuite } from './segments-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared segments suite on the embedded engine.
runSegmentsSuite('DuckDB', openLocalDuckDbStore);
