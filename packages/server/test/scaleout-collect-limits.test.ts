import { afterAll, describe, expect } from 'vitest';
import { Redis } from 'ioredis';
import { ClickHouseEventStore } from '../src/store';
import { collectLimitsSuite } from './collect-limits-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, redisAvailable, REDIS_TEST_URL, uniqueName } from './helpers/scaleout';

/**
 * The collection limits suite on ClickHouse: batches straight into ClickHouse (counters in process), and
 * scale-out through the Redis stream with the counters in Redis.
 */
const clickhouse = await clickhouseAvailable('scaleout-collect-limits');
const redis = clickhouse.ok ? await redisAvailable('scaleout-collect-limits') : clickhouse;
const direct = uniqueName('tidemark_limits');
const streamed = uniqueName('tidemark_limits_redis');
const prefix = `${uniqueName('tml')}:`;

if (clickhouse.ok) {
  collectLimitsSuite('ClickHouse', () => ({ eventsUrl: clickhouseDatabaseUrl(direct) }), {
    collector: 'Collector',
    counters: 'memory',
  });
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(direct)).dropDatabase();
  });
} else describe.skip(`collection limits on ClickHouse (${clickhouse.reason})`, () => {});

if (redis.ok) {
  collectLimitsSuite(
    'ClickHouse, Redis stream and counters',
    () => ({
      eventsUrl: clickhouseDatabaseUrl(streamed),
      redisUrl: REDIS_TEST_URL,
      redisPrefix: prefix,
      // Nodes sharing Redis share one secret (the keyed counter names are derived from it).
      secret: 'collect-limits-test-secret-'.padEnd(48, 'x'),
      streamFlushMs: 50,
    }),
    { collector: 'Collector', counters: 'redis' },
  );
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(streamed)).dropDatabase();
    const r = new Redis(REDIS_TEST_URL);
    const keys = await r.keys(`${prefix}*`);
    // The budgets were counted here: collection counters (names keyed) under the deployment's prefix.
    expect(keys.filter((k) => k.startsWith(`${prefix}ctr:collect:`)).length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.startsWith(`${prefix}ctr:quarantine:`)).length).toBeGreaterThan(0);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });
} else describe.skip(`collection limits through Redis (${redis.reason})`, () => {});
