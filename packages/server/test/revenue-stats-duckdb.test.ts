import { runRevenueStatsSuite } from './revenue-stats-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// Revenue metrics of the stats engine on the embedded store.
runRevenueStatsSuite('DuckDB', { open: openLocalDuckDbStore });
