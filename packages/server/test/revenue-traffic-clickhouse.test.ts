import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runTrafficCacheSuite } from './revenue-traffic-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// The same suite on ClickHouse (Debian's 18.16 server).
const status = await clickhouseAvailable('revenue-traffic-clickhouse');
if (status.ok) {
  runTrafficCacheSuite('ClickHouse', {
    async open() {
      const store = new ClickHouseEventStore(clickhouseDatabaseUrl(uniqueName('tidemark_revtraffic')));
      await store.init();
      return store;
    },
    async destroy(store) {
      await (store as ClickHouseEventStore).dropDatabase();
    },
  });
} else describe.skip(`revenue page visitors per source on ClickHouse (${status.reason})`, () => {});
