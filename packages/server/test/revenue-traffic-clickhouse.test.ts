import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runTrafficCacheSuite } from './revenue-traffic-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
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

// And on a current release in-process (chdb), whose analyzer refuses some SQL 18.16 accepts.
const current = loadChdb('revenue-traffic-clickhouse');
if (current.ok) runTrafficCacheSuite('ClickHouse, current release (chdb)', { open: () => openChdbStore(current.chdb) });
else describe.skip(`revenue page visitors per source on a current ClickHouse release (${current.reason})`, () => {});
