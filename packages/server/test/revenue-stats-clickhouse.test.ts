import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runRevenueStatsSuite } from './revenue-stats-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
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

// And on a current release in-process (chdb), whose analyzer refuses some SQL 18.16 accepts.
const current = loadChdb('revenue-stats-clickhouse');
if (current.ok) runRevenueStatsSuite('ClickHouse, current release (chdb)', { open: () => openChdbStore(current.chdb) });
else describe.skip(`revenue metrics in the stats engine on a current ClickHouse release (${current.reason})`, () => {});
