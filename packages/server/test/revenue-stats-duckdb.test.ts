import { runRevenueStatsSuite } from './revenue-stats-suite';
import { openLocalDuckDbStore } from './helpers/stats';
import { openSessionParts } from '../src/stats';
import type { DuckDbEventStore } from '../src/store';

// Revenue metrics of the stats engine on the embedded store: on raw events, and with the stats rollups built.
runRevenueStatsSuite('DuckDB', { open: openLocalDuckDbStore });
runRevenueStatsSuite('DuckDB with rollups', {
  open: openLocalDuckDbStore,
  async rollups(store, now) {
    const parts = await openSessionParts(store as DuckDbEventStore, { now: () => now, lagMs: 0, zones: async () => [] });
    await parts.runOnce();
    return parts;
  },
});
