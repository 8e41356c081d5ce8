import { afterAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { ClickHouseEventStore } from '../src/store';
import { clickhouseAvailable, clickhouseDatabaseUrl, redisAvailable, REDIS_TEST_URL, uniqueName } from './helpers/scaleout';

/**
 * The drop-in collectors' suite (dropins.test.ts) through the scale-out path: batches go to the Redis
 * stream (acknowledged once Redis has them), a stream worker writes ClickHouse and dedupes by event id
 * (the ids Plausible and Umami events get from their content), sessions and counters are in Redis.
 */
const clickhouse = await clickhouseAvailable('scaleout-stream-dropins');
const redis = clickhouse.ok ? await redisAvailable('scaleout-stream-dropins') : clickhouse;
const database = uniqueName('tidemark_dropins_stream');
const prefix = `${uniqueName('tmd')}:`;

vi.mock('./helpers/server', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./helpers/server')>();
  return {
    ...actual,
    startTestServer: (overrides: Parameters<typeof actual.startTestServer>[0] = {}, env?: NodeJS.ProcessEnv) =>
      actual.startTestServer(
        {
          eventsUrl: clickhouseDatabaseUrl(database),
          redisUrl: REDIS_TEST_URL,
          redisPrefix: prefix,
          secret: 'dropins-stream-test-secret-'.padEnd(48, 'x'),
          streamFlushMs: 50,
          ...overrides,
        },
        env,
      ),
  };
});

if (redis.ok) {
  it('runs the suite through the Redis stream into ClickHouse', async () => {
    const { startTestServer } = await import('./helpers/server');
    const s = await startTestServer();
    try {
      expect(s.ctx.events.dialect).toBe('clickhouse');
      expect(s.ctx.config.redisUrl).toBe(REDIS_TEST_URL);
    } finally {
      await s.cleanup();
    }
  });
  await import('./dropins.test');
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
    const r = new Redis(REDIS_TEST_URL);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });
} else describe.skip(`drop-in collectors through Redis (${redis.reason})`, () => {});
