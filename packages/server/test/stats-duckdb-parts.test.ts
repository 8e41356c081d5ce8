import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, type CanonicalEvent, type QueryInput } from '@tidemark/core';
import type { DuckDbEventStore, EventStore } from '../src/store';
import { openSessionParts, StatsService, type SessionPartsRollup } from '../src/stats';
import { runStatsSuite, SUITE_NOW, type SuiteHooks } from './stats-suite';
import { openLocalDuckDbStore, recording } from './helpers/stats';
import { fixtureEvents, P, SITE_A, SITE_B } from './helpers/stats-fixture';

// The shared report suite on DuckDB reading the session-parts rollup: the same hand-computed numbers
// must come out of fragments as out of raw events.

const HOUR = 3_600_000;

function openRollup(store: EventStore, now: () => number): Promise<SessionPartsRollup> {
  return openSessionParts(store as DuckDbEventStore, { now, lagMs: 0 });
}

function rollupHooks(now: () => number): SuiteHooks {
  let rollup: SessionPartsRollup | undefined;
  return {
    afterWrite: async (store) => {
      rollup = await openRollup(store, now);
      const run = await rollup.runOnce();
      expect(run.fragments).toBeGreaterThan(0);
      expect(rollup.ready()).toBe(true);
      return { sessionParts: rollup };
    },
    beforeClose: async () => rollup?.close(),
  };
}

// Every fixture event rolled up.
runStatsSuite(
  'DuckDB with the session-parts rollup',
  openLocalDuckDbStore,
  rollupHooks(() => Date.now()),
);
// Watermark in the middle of the period: sessions are part stored fragments, part computed on the spot.
runStatsSuite(
  'DuckDB with the rollup built up to 2024-01-16 00:00 UTC',
  openLocalDuckDbStore,
  rollupHooks(() => Date.parse('2024-01-16T00:00:00Z')),
);

describe('session-parts rollup: events after the watermark and late events', () => {
  let store: EventStore;
  let rollup: SessionPartsRollup;
  let clock = Date.parse('2024-01-17T06:00:00Z');
  const base = fixtureEvents();
  const template = base.find((e) => e.site_id === SITE_A.id && e.session_id === base[0].session_id)!;

  /** An event received a minute after the watermark, whatever its own time. */
  const late = (over: Partial<CanonicalEvent>, i: number): CanonicalEvent => ({
    ...template,
    ...over,
    event_id: `0190aaaa-0000-7000-8000-${String(900000000000 + i)}`,
    received_at: clock + 60_000 + i,
  });

  beforeAll(async () => {
    store = await openLocalDuckDbStore();
    await store.write({ events: base, raw: [], quarantine: [], drops: [] });
    rollup = await openRollup(store, () => clock);
    await rollup.runOnce();
  });
  afterAll(async () => {
    await rollup?.close();
    await store?.close();
  });

  const queries: Array<Partial<QueryInput>> = [
    { metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit', 'events'], compare: true },
    { metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate'], interval: 'day' },
    { metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration'], dimensions: ['entry_page'] },
    { metrics: ['visitors', 'sessions', 'avg_duration'], dimensions: ['exit_page'] },
    { metrics: ['visitors', 'pageviews', 'sessions'], dimensions: ['source'] },
    { metrics: ['visitors', 'sessions', 'bounce_rate'], dimensions: ['country'], filters: [['is_not', 'source', ['Bing']]] },
    { metrics: ['visitors', 'sessions'], dimensions: ['screen'] },
    { metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate'], dimensions: ['page'] },
    // Not kept by the rollup: these read events, with the same answer.
    { metrics: ['visitors', 'new_visitors', 'returning_visitors', 'avg_time', 'scroll_depth', 'sessions'], dimensions: ['page'] },
    { metrics: ['new_visitors', 'avg_time', 'bounce_rate'], dimensions: ['source'], compare: true },
    { metrics: ['returning_visitors', 'scroll_depth'], interval: 'day' },
  ];
  const dashboardParams = {
    period: 'custom',
    start_date: P.start,
    end_date: P.end,
    dimensions: 'channel,source,page,entry_page,exit_page,country,browser,device',
    compare: 'true',
    interval: 'day',
  };

  /** Everything the suite period shows, from the rollup and from raw events; they must agree. */
  async function bothWays() {
    const { reader, statements } = recording(store);
    const withParts = new StatsService(reader, { now: () => SUITE_NOW, sessionParts: rollup, sharedResultsMs: 0 });
    const plain = new StatsService(store, { now: () => SUITE_NOW, sharedResultsMs: 0 });
    const run = (s: StatsService, input: Partial<QueryInput>) =>
      s.query(parseQuery({ site_id: SITE_A.id, date_range: P, ...input }), SITE_A);
    for (const q of queries) expect(await run(withParts, q), JSON.stringify(q)).toEqual(await run(plain, q));
    expect(await withParts.dashboard(SITE_A, dashboardParams)).toEqual(await plain.dashboard(SITE_A, dashboardParams));
    // Site B's periods start at :30 UTC (Kolkata): served from events, still equal.
    expect(await withParts.dashboard(SITE_B, dashboardParams)).toEqual(await plain.dashboard(SITE_B, dashboardParams));
    expect(statements.some((s) => s.includes('FROM session_parts'))).toBe(true);
    expect(statements.some((s) => s.includes('FROM page_parts'))).toBe(true);
    return plain.dashboard(SITE_A, dashboardParams);
  }

  it('agrees with raw events right after the build', async () => {
    expect(rollup.watermark()).toBe(Date.parse('2024-01-17T06:00:00Z'));
    await bothWays();
  });

  it('counts events received after the watermark, also ones with old timestamps, before and after the next run', async () => {
    const before = await bothWays();
    const s1 = base.filter((e) => e.session_id === template.session_id).sort((a, b) => a.ts - b.ts);
    const s4 = base.find((e) => e.site_id === SITE_A.id && e.session_id !== template.session_id && e.referrer !== '')!;
    const s4First = Math.min(...base.filter((e) => e.session_id === s4.session_id).map((e) => e.ts));
    const events = [
      // S1 gets a later page_view (new exit page, longer duration) in another hour.
      late({ ts: s1[s1.length - 1].ts + 40 * 60_000, name: 'page_view', path: '/late-exit' }, 1),
      // Another session gets an event before its first one: new entry page, source and start.
      late({ ...s4, ts: s4First - 5 * 60_000, name: 'page_view', path: '/late-entry', source: 'LateSource' }, 2),
      // A brand-new visitor in the period, long after it was over.
      late(
        { visitor_id: 'v-late', session_id: 's-late', ts: Date.parse('2024-01-15T18:00:00Z'), name: 'page_view', path: '/', country: 'NZ' },
        3,
      ),
    ];
    await store.write({ events, raw: [], quarantine: [], drops: [] });

    const after = await bothWays();
    expect(after.metrics.visitors.value).toBe(before.metrics.visitors.value + 1);
    expect(after.dimensions.entry_pages.map((r) => r.path)).toContain('/late-entry');
    expect(after.dimensions.countries.map((r) => r.name)).toContain('NZ');

    clock += 2 * HOUR;
    const run = await rollup.runOnce();
    expect(run.fragments).toBe(3);
    expect(rollup.watermark()).toBe(Date.parse('2024-01-17T08:00:00Z'));
    expect(await bothWays()).toEqual(after);
    // Nothing new: nothing added.
    expect((await rollup.runOnce()).fragments).toBe(0);
  });
});
