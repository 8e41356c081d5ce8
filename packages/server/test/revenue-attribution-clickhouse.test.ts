import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runRevenueAttributionSuite } from './revenue-attribution-suite';
import { runRevenueRelinkSuite } from './revenue-relink-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, clickhouseDatabaseUrl, openTempClickHouseStore, uniqueName } from './helpers/scaleout';

// The same attribution and re-attribution suites on ClickHouse (Debian's 18.16 server) and a current release in-process (chdb).
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
  runRevenueRelinkSuite('ClickHouse', { open: () => openTempClickHouseStore('tidemark_relink') });
} else describe.skip(`revenue attribution on ClickHouse (${status.reason})`, () => {});

const current = loadChdb('revenue-attribution-clickhouse');
if (current.ok) {
  runRevenueAttributionSuite('ClickHouse, current release (chdb)', { open: () => openChdbStore(current.chdb) });
  runRevenueRelinkSuite('ClickHouse, current release (chdb)', { open: () => openChdbStore(current.chdb) });
} else describe.skip(`revenue attribution on a current ClickHouse release (${current.reason})`, () => {});
