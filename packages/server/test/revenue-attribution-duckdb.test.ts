import { runRevenueAttributionSuite } from './revenue-attribution-suite';
import { runRevenueRelinkSuite } from './revenue-relink-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// Revenue attribution, MRR-free KPIs and currency conversion on the embedded store; re-attribution after late identifies.
runRevenueAttributionSuite('DuckDB', { open: openLocalDuckDbStore });
runRevenueRelinkSuite('DuckDB', { open: openLocalDuckDbStore });
