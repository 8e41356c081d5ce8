import { afterAll, describe, expect, it, vi } from 'vitest';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';
import { ClickHouseEventStore } from '../src/store';

/**
 * The drop-in collectors' suite (dropins.test.ts: the real Plausible and Umami clients, retries after
 * a 503), the Plausible script-tag flow in Chromium (plausible-script-tag.test.ts) and the
 * Plausible-compatible Stats API suite (plausible-stats-api.test.ts), unchanged, with
 * the server's events in ClickHouse (Debian's 18.16 server), as scaleout-collect.test.ts runs the
 * collector's suite.
 */
const status = await clickhouseAvailable('scaleout-dropins');
const database = uniqueName('tidemark_dropins');

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
  await import('./dropins.test');
  await import('./plausible-stats-api.test');
  await import('./plausible-script-tag.test');
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
  });
} else describe.skip(`drop-in collectors and Stats API on ClickHouse (${status.reason})`, () => {});
