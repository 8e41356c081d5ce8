import { expect } from 'vitest';
import type { DuckDbEventStore, EventStore } from '../src/store';
import { openVisitorHours, type SessionPartsRollup } from '../src/stats';
import { runCohortsSuite, type CohortsEngineOptions } from './cohorts-suite';
import { openLocalDuckDbStore } from './helpers/stats';
import { COHORT_NOW } from './helpers/cohorts-fixture';

const HOUR = 3_600_000;

// The shared cohorts suite on DuckDB reading the visitor-hours rollup (stats/rollups/visitor-hours.ts)
// for cohorts by first visit without a goal: the same answers must come out of it, alone and together
// with the events received after its watermark and the range's partial first and last hours.

function rollupOptions(now: () => number, chunkMs?: number): CohortsEngineOptions {
  let job: SessionPartsRollup | undefined;
  return {
    async derive(store: EventStore) {
      job = await openVisitorHours(store as DuckDbEventStore, { now, lagMs: 0, ...(chunkMs ? { chunkMs } : {}) });
      const run = await job.runOnce();
      expect(run.fragments).toBeGreaterThan(0);
      expect(job.ready()).toBe(true);
      return { visitorHours: job };
    },
    release: async () => job?.close(),
  };
}

// Everything but the last late events rolled up (in chunks of 7 days of receipt).
runCohortsSuite(
  'DuckDB with the visitor-hours rollup',
  openLocalDuckDbStore,
  rollupOptions(() => COHORT_NOW - 2 * HOUR),
);
// Watermark inside the periods (by receipt): members part stored, part read from events.
runCohortsSuite(
  'DuckDB with the visitor-hours rollup up to 2024-02-10 00:00 UTC',
  openLocalDuckDbStore,
  rollupOptions(() => Date.parse('2024-02-10T00:00:00Z')),
);
// Chunks of one hour: the job's many runs append to what earlier ones stored.
runCohortsSuite(
  'DuckDB with the visitor-hours rollup built hour by hour',
  openLocalDuckDbStore,
  rollupOptions(() => Date.parse('2024-01-20T12:00:00Z'), HOUR),
);
