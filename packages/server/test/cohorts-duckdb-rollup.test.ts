import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbEventStore, EventStore } from '../src/store';
import { openVisitorHours, StatsService, type SessionPartsRollup } from '../src/stats';
import { runCohortsSuite, type CohortsEngineOptions } from './cohorts-suite';
import { openLocalDuckDbStore } from './helpers/stats';
import { COHORT_NOW, COHORT_SITE, cohortEvents, lateCohortEvents } from './helpers/cohorts-fixture';

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

// The rollup path against the raw statement on the same store: every grid it serves, by the bits of
// one integer per member (most requests) and by the window (more periods than the bits hold), must be
// the raw statement's, whole response for whole response.
describe('cohorts from the visitor-hours rollup equal the raw statement', () => {
  let store: EventStore;
  let job: SessionPartsRollup;
  beforeAll(async () => {
    store = await openLocalDuckDbStore();
    const seeded = cohortEvents();
    await store.write({ events: [...seeded, ...lateCohortEvents(seeded)], raw: [], quarantine: [], drops: [] });
    // The watermark inside the data: part of it stored, the rest read from events.
    job = await openVisitorHours(store as DuckDbEventStore, { now: () => Date.parse('2024-03-01T00:00:00Z'), lagMs: 0 });
    await job.runOnce();
  });
  afterAll(async () => {
    await job?.close();
    await store?.close();
  });

  const request = (start: string, end: string, interval: string, periods: number, unit: string) => ({
    period: 'custom',
    start_date: start,
    end_date: end,
    interval,
    periods: String(periods),
    unit,
  });
  const cases: Array<[string, ReturnType<typeof request>, 'bits' | 'window']> = [
    ['America/New_York', request('2024-01-01', '2024-03-24', 'week', 12, 'people'), 'bits'],
    ['America/New_York', request('2024-01-01', '2024-03-24', 'week', 12, 'visitors'), 'bits'],
    ['America/New_York', request('2023-11-01', '2024-03-31', 'month', 6, 'people'), 'bits'],
    ['Europe/Berlin', request('2024-02-01', '2024-03-15', 'day', 14, 'people'), 'bits'],
    ['Asia/Kathmandu', request('2024-01-10', '2024-02-20', 'day', 14, 'visitors'), 'bits'],
    // 91 days of cohorts and 10 periods each: period numbers up to 100, beyond a BIGINT's bits.
    ['America/New_York', request('2024-01-01', '2024-03-31', 'day', 10, 'people'), 'window'],
    ['UTC', request('2024-01-01', '2024-03-31', 'day', 10, 'visitors'), 'window'],
  ];

  it('gives the raw statement answers, by bits and by the window, across zones, intervals and units', async () => {
    const served = new StatsService(store, { now: () => COHORT_NOW, sharedResultsMs: 0, visitorHours: job });
    const raw = new StatsService(store, { now: () => COHORT_NOW, sharedResultsMs: 0 });
    for (const [timezone, params, form] of cases) {
      const site = { ...COHORT_SITE, timezone };
      const want = await raw.cohorts(site, params);
      expect(want.cohorts.some((c) => c.cells.some((x) => x.offset > 0 && x.active > 0))).toBe(true);
      expect(await served.cohorts(site, params)).toEqual(want);
      // Which form answered: the statement the service ran for the request.
      const statements: string[] = [];
      const query = (s: string, p?: unknown[]) => {
        statements.push(s);
        return store.query(s, p);
      };
      const seen = new Proxy(store, {
        get: (t, k) => (k === 'query' ? query : typeof Reflect.get(t, k) === 'function' ? Reflect.get(t, k).bind(t) : Reflect.get(t, k)),
      });
      const spy = new StatsService(seen, { now: () => COHORT_NOW, sharedResultsMs: 0, visitorHours: job });
      expect(await spy.cohorts(site, params)).toEqual(want);
      const grid = statements.find((s) => s.includes('visitor_hours ')) ?? '';
      expect(grid.includes('bit_or(') ? 'bits' : grid.includes('OVER (PARTITION BY') ? 'window' : 'neither').toBe(form);
    }
  });
});
