import { describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runImportsSuite } from './imports-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl } from './helpers/scaleout';

// The shared imports suite on ClickHouse (Debian's 18.16 server).
const status = await clickhouseAvailable('imports-clickhouse');
const database = `tidemark_imports_${process.pid}`;
if (status.ok) {
  runImportsSuite('ClickHouse', {
    async open() {
      const store = new ClickHouseEventStore(clickhouseDatabaseUrl(database));
      await store.init();
      return store;
    },
    async destroy() {
      await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
    },
  });
} else describe.skip(`imports on ClickHouse (${status.reason})`, () => {});
