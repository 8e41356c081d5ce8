import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runRevenueWebhookSuite } from './revenue-webhook-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// The same webhook suite on ClickHouse (Debian's 18.16 server): ReplacingMergeTree side tables read through FINAL.
const status = await clickhouseAvailable('revenue-clickhouse');
if (status.ok) {
  runRevenueWebhookSuite('ClickHouse', {
    async open() {
      const store = new ClickHouseEventStore(clickhouseDatabaseUrl(uniqueName('tidemark_revenue')));
      await store.init();
      return store;
    },
    async destroy(store) {
      await (store as ClickHouseEventStore).dropDatabase();
    },
  });
} else describe.skip(`Stripe webhooks on ClickHouse (${status.reason})`, () => {});

// And on a current release in-process (chdb), whose analyzer refuses some SQL 18.16 accepts.
const current = loadChdb('revenue-clickhouse');
if (current.ok) runRevenueWebhookSuite('ClickHouse, current release (chdb)', { open: () => openChdbStore(current.chdb) });
else describe.skip(`Stripe webhooks on a current ClickHouse release (${current.reason})`, () => {});
