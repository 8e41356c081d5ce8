import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runRevenueStatsSuite } from './revenue-stats-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// The same revenue-metrics suite on ClickHouse (Debian's 18.16 server).
const status = await clickhouseAvailable('revenue-stats-clickhouse');
if (status.ok) {
  runRevenueStatsSuite('ClickHouse', {
    async open() {
      const store = new ClickHouseEventStore(clickhouseDatabaseUrl(uniqueName('tidemark_revstats')));
      await store.init();
      return store;
    },
    async destroy(store) {
      await (store as ClickHouseEventStore).dropDatabase();
    },
  });
} else describe.skip(`revenue metrics in the stats engine on ClickHouse (${status.reason})`, () => {});
