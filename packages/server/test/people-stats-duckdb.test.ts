import { runPeopleStatsSuite } from './people-stats-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The shared unit=people / user_id suite on the embedded engine.
runPeopleStatsSuite('DuckDB', openLocalDuckDbStore);
