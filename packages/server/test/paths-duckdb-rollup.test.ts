import { expect } from 'vitest';
import type { DuckDbEventStore, EventStore } from '../src/store';
import { openPathSessions, type SessionPartsRollup } from '../src/stats';
import { runPathsSuite, type PathsEngineOptions } from './paths-suite';
import { openLocalDuckDbStore } from './helpers/stats';
import { FUNNEL_NOW } from './helpers/funnel-fixture';

const HOUR = 3_600_000;

// The shared paths suite on DuckDB reading the path-sessions rollup (stats/rollups/path-sessions.ts) for
// page-view paths without filters: the same answers must come out of it, alone and together with the
// events received after its watermark.

function rollupOptions(now: () => number, chunkMs?: number): PathsEngineOptions {
  let job: SessionPartsRollup | undefined;
  return {
    async derive(store: EventStore) {
      job = await openPathSessions(store as DuckDbEventStore, { now, lagMs: 0, ...(chunkMs ? { chunkMs } : {}) });
      const run = await job.runOnce();
      expect(run.fragments).toBeGreaterThan(0);
      expect(job.ready()).toBe(true);
      return { pathSessions: job };
    },
    release: async () => job?.close(),
  };
}

// Every event written before the suite's queries rolled up (in chunks of 7 days of receipt); the suite's
// late visits are received after this watermark (FUNNEL_NOW − 1 min).
runPathsSuite(
  'DuckDB with the path-sessions rollup',
  openLocalDuckDbStore,
  rollupOptions(() => FUNNEL_NOW - 2 * HOUR),
);
// Watermark inside the period (by receipt): sessions are part stored, part read from events.
runPathsSuite(
  'DuckDB with the path-sessions rollup up to 2024-03-02 00:00 UTC',
  openLocalDuckDbStore,
  rollupOptions(() => Date.parse('2024-03-02T00:00:00Z')),
);
// Chunks of one hour: sessions stored in several runs are rewritten with their earlier steps.
runPathsSuite(
  'DuckDB with the path-sessions rollup built hour by hour',
  openLocalDuckDbStore,
  rollupOptions(() => Date.parse('2024-03-02T12:00:00Z'), HOUR),
);
