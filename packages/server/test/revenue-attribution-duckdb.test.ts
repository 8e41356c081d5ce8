import { runRevenueAttributionSuite } from './revenue-attribution-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// Revenue attribution, MRR-free KPIs and currency conversion on the embedded store.
runRevenueAttributionSuite('DuckDB', { open: openLocalDuckDbStore });
