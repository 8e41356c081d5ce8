import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runRevenueAttributionSuite } from './revenue-attribution-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// The same attribution suite on ClickHouse (Debian's 18.16 server).
const status = await clickhouseAvailable('revenue-attribution-clickhouse');
if (status.ok) {
  runRevenueAttributionSuite('ClickHouse', {
    async open() {
      const store = new ClickHouseEventStore(clickhouseDatabaseUrl(uniqueName('tidemark_attr')));
      await store.init();
      return store;
    },
    async destroy(store) {
      await (store as ClickHouseEventStore).dropDatabase();
    },
  });
} else describe.skip(`revenue attribution on ClickHouse (${status.reason})`, () => {});
