import { collectLimitsSuite } from './collect-limits-suite';

// The embedded store, with the pipeline in a collector thread (the default) and in the HTTP thread.
collectLimitsSuite('DuckDB, collector thread', () => ({ collectorThread: true }), {
  collector: 'ThreadCollector',
  counters: 'memory',
});
collectLimitsSuite('DuckDB, no collector thread', () => ({ collectorThread: false }), {
  collector: 'Collector',
  counters: 'memory',
});
