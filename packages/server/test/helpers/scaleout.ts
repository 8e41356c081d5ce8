import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { ClickHouseEventStore } from '../../src/store';

/** Where the scale-out suites find their services (override with these variables). */
export const CLICKHOUSE_TEST_URL = process.env.TIDEMARK_TEST_CLICKHOUSE_URL ?? 'clickhouse://127.0.0.1:8123/default';
export const REDIS_TEST_URL = process.env.TIDEMARK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface ServiceStatus {
  ok: boolean;
  reason: string;
}

/** In CI a missing service fails the suite; locally it skips with the reason printed. */
function unavailable(suite: string, reason: string): ServiceStatus {
  if (process.env.CI === 'true') throw new Error(`[${suite}] ${reason}`);
  console.warn(`[${suite}] skipped: ${reason}`);
  return { ok: false, reason };
}

export async function clickhouseAvailable(suite: string): Promise<ServiceStatus> {
  const u = new URL(CLICKHOUSE_TEST_URL);
  const base = `${u.protocol === 'https:' ? 'https' : 'http'}://${u.hostname}:${u.port || 8123}`;
  try {
    const res = await fetch(`${base}/ping`, { signal: AbortSignal.timeout(3000) });
    if ((await res.text()).trim() === 'Ok.') return { ok: true, reason: '' };
    return unavailable(suite, `ClickHouse at ${base} answered /ping with HTTP ${res.status}`);
  } catch (err) {
    return unavailable(
      suite,
      `ClickHouse not reachable at ${base} (start it with .ci/services.sh): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export async function redisAvailable(suite: string): Promise<ServiceStatus> {
  const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true, reason: '' };
  } catch (err) {
    return unavailable(suite, `Redis not reachable at ${REDIS_TEST_URL}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    redis.disconnect();
  }
}

/** A name no other test run uses (databases, stream keys, key prefixes). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
}

/** The ClickHouse URL of a fresh database name. */
export function clickhouseDatabaseUrl(database: string): string {
  const u = new URL(CLICKHOUSE_TEST_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A ClickHouse event store on its own new database, dropped when the store is closed. */
export async function openTempClickHouseStore(prefix = 'tidemark_test'): Promise<ClickHouseEventStore> {
  const store = new ClickHouseEventStore(clickhouseDatabaseUrl(uniqueName(prefix)));
  await store.init();
  const close = store.close.bind(store);
  store.close = async () => {
    await store.dropDatabase().catch(() => undefined);
    await close();
  };
  return store;
}
