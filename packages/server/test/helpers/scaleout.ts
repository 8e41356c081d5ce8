import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import type { Config } from '../../src/config';
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

/**
 * Where a DuckDB suite re-run unchanged on the scale-out stores sends its servers' events: a fresh
 * ClickHouse database, and with `stream` also the Redis stream (keys under a fresh prefix). In CI a
 * missing service fails; locally `ok` is false with the reason.
 */
export interface ScaleoutTarget extends ServiceStatus {
  overrides: Partial<Config>;
  cleanup(): Promise<void>;
}

export async function scaleoutTarget(
  suite: string,
  opts: { database: string; stream?: { prefix: string; secret: string } },
): Promise<ScaleoutTarget> {
  const clickhouse = await clickhouseAvailable(suite);
  const status = clickhouse.ok && opts.stream ? await redisAvailable(suite) : clickhouse;
  const eventsUrl = clickhouseDatabaseUrl(uniqueName(opts.database));
  const prefix = opts.stream ? `${uniqueName(opts.stream.prefix)}:` : '';
  const overrides: Partial<Config> = opts.stream
    ? // Nodes sharing Redis share one secret.
      { eventsUrl, redisUrl: REDIS_TEST_URL, redisPrefix: prefix, secret: opts.stream.secret.padEnd(48, 'x'), streamFlushMs: 50 }
    : { eventsUrl };
  return {
    ...status,
    overrides,
    async cleanup() {
      await new ClickHouseEventStore(eventsUrl).dropDatabase();
      if (!opts.stream) return;
      const r = new Redis(REDIS_TEST_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      r.disconnect();
    },
  };
}

/** The `vi.mock('./helpers/server', …)` factory: every test server of the re-run suites starts on `target`. */
export async function serverOnTarget(importOriginal: <T>() => Promise<T>, target: () => ScaleoutTarget) {
  const actual = await importOriginal<typeof import('./server')>();
  return {
    ...actual,
    startTestServer: (overrides: Parameters<typeof actual.startTestServer>[0] = {}, env?: NodeJS.ProcessEnv) =>
      actual.startTestServer({ ...target().overrides, ...overrides }, env),
  };
}

/** Proves the re-run suites really run on the target (not silently on DuckDB), and drops its data afterwards. */
export function checkRunsOnTarget(title: string, target: ScaleoutTarget): void {
  it(title, async () => {
    const { startTestServer } = await import('./server');
    const s = await startTestServer();
    try {
      expect(s.ctx.events.dialect).toBe('clickhouse');
      if (target.overrides.redisUrl) expect(s.ctx.config.redisUrl).toBe(REDIS_TEST_URL);
    } finally {
      await s.cleanup();
    }
  });
  afterAll(() => target.cleanup());
}
