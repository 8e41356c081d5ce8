import { afterAll, describe, it, expect, vi } from 'vitest';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';
import { ClickHouseEventStore } from '../src/store';

/**
 * The contract suites (Segment-compatible clients, Universal Site Tracking, TechStore), unchanged,
 * with the server's events in ClickHouse: the same requests must store the same rows and give the
 * same numbers as on DuckDB. Batches go straight to ClickHouse through the group-commit writer.
 */
const status = await clickhouseAvailable('scaleout-collect-contracts');
const database = uniqueName('tidemark_contracts');

vi.mock('./helpers/server', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./helpers/server')>();
  return {
    ...actual,
    startTestServer: (overrides: Parameters<typeof actual.startTestServer>[0] = {}, env?: NodeJS.ProcessEnv) =>
      actual.startTestServer({ eventsUrl: clickhouseDatabaseUrl(database), ...overrides }, env),
  };
});

if (status.ok) {
  it('runs the suites against ClickHouse', async () => {
    const { startTestServer } = await import('./helpers/server');
    const s = await startTestServer();
    try {
      expect(s.ctx.events.dialect).toBe('clickhouse');
    } finally {
      await s.cleanup();
    }
  });
  await import('./collect-segment.test');
  await import('./collect-seed.test');
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
  });
} else describe.skip(`contract suites on ClickHouse (${status.reason})`, () => {});
