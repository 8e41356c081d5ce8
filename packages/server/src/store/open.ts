import path from 'node:path';
import type { Config } from '../config';
import type { EventStore } from './event-store';
import { DuckDbEventStore } from './duckdb/event-store';
import { ClickHouseEventStore, redactUrl } from './clickhouse';

/** Picks the engine from configuration: ClickHouse when TIDEMARK_EVENTS_URL says so, else the DuckDB file. */
export async function openEventStore(config: Config): Promise<EventStore> {
  const url = config.eventsUrl;
  if (url && /^clickhouse(s)?:\/\//i.test(url)) {
    // Scale-out engine (store/clickhouse/): creates or migrates the database on first use.
    const store = new ClickHouseEventStore(url.replace(/^clickhouses:/i, 'https:'));
    try {
      await store.init();
    } catch (err) {
      throw new Error(`ClickHouse event store at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return store;
  }
  if (url) throw new Error(`Unsupported TIDEMARK_EVENTS_URL scheme: ${url.split(':')[0]} (expected clickhouse://, or unset for DuckDB)`);
  const memoryLimit = config.duckDbMemoryLimit;
  const store = await DuckDbEventStore.open(path.join(config.dataDir, 'events.duckdb'), {
    settings: memoryLimit ? { memory_limit: memoryLimit } : {},
  });
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
