import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runLifecycleSuite } from './lifecycle-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl } from './helpers/scaleout';

// The shared lifecycle suite (same fixture and expectations as DuckDB) on ClickHouse.
const status = await clickhouseAvailable('lifecycle-clickhouse');
if (status.ok) {
  runLifecycleSuite('ClickHouse', {
    async open(name) {
      const store = new ClickHouseEventStore(clickhouseDatabaseUrl(name));
      await store.init();
      return store;
    },
    async destroy(name) {
      await new ClickHouseEventStore(clickhouseDatabaseUrl(name)).dropDatabase();
    },
  });
} else describe.skip(`data lifecycle on ClickHouse (${status.reason})`, () => {});
