import { runAudiencesSuite } from './audiences-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared audiences suite on the embedded engine.
runAudiencesSuite('DuckDB', openLocalDuckDbStore);
