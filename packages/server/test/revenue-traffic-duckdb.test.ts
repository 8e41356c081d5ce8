import { runTrafficCacheSuite } from './revenue-traffic-suite';
import { openLocalDuckDbStore } from './helpers/stats';

runTrafficCacheSuite('DuckDB', { open: openLocalDuckDbStore });
