import { afterAll, describe, expect, it, vi } from 'vitest';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';
import { ClickHouseEventStore } from '../src/store';

/**
 * The collector's HTTP suite (collect.test.ts), unchanged, with the server's events in ClickHouse:
 * the same requests must store the same rows and answer the same as on DuckDB. Batches go straight
 * to ClickHouse through the group-commit writer here (no Redis), so a 202 means stored, as the
 * suite expects; the Redis stream path is covered by scaleout-queue and scaleout-cluster.
 */
const status = await clickhouseAvailable('scaleout-collect');
const database = uniqueName('tidemark_collect');

vi.mock('./helpers/server', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./helpers/server')>();
  return {
    ...actual,
    startTestServer: (overrides: Parameters<typeof actual.startTestServer>[0] = {}, env?: NodeJS.ProcessEnv) =>
      actual.startTestServer({ eventsUrl: clickhouseDatabaseUrl(database), ...overrides }, env),
  };
});

if (status.ok) {
  it('runs the suite against ClickHouse', async () => {
    const { startTestServer } = await import('./helpers/server');
    const s = await startTestServer();
    try {
      expect(s.ctx.events.dialect).toBe('clickhouse');
    } finally {
      await s.cleanup();
    }
  });
  await import('./collect.test');
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
  });
} else describe.skip(`collector suite on ClickHouse (${status.reason})`, () => {});
