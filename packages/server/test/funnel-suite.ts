import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent, Funnel, FunnelStats } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import {
  caseEvents,
  FUNNEL_NOW,
  FUNNEL_SITE,
  funnelRecord,
  OTHER_SITE,
  PASSIVE_SITE,
  PERIOD,
  RANDOM_SITE,
  randomEvents,
  RANGE,
  SIGNUP_STEPS,
} from './helpers/funnel-fixture';
import { funnelOracle, type OracleOptions, type OracleResult } from './helpers/funnel-oracle';

/**
 * Funnel stats (stats/funnels/) on one engine, checked against funnelOracle's brute-force computation
 * over the same events, plus hand-worked numbers for the written cases. Each engine's test file runs it.
 */
export function runFunnelSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`funnels on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const cases = caseEvents();
    const random = randomEvents();

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events: [...cases, ...random], raw: [], quarantine: [], drops: [] });
      stats = new StatsService(store, { now: () => FUNNEL_NOW, sharedResultsMs: 0 });
    });
    afterAll(async () => {
      await store?.close();
    });

    const period = { period: 'custom', start_date: PERIOD.start, end_date: PERIOD.end };
    const run = (site: { id: string; timezone: string }, f: Funnel, extra: Record<string, string> = {}) =>
      stats.funnel(site, { ...f, site_id: site.id }, { ...period, ...extra });
    const windowMs = (f: Funnel) =>
      f.window
        ? f.window.value * { minutes: 60_000, hours: 3_600_000, days: 86_400_000 }[f.window.unit]
        : f.scope === 'visitor'
          ? 86_400_000
          : null;
    const oracle = (events: CanonicalEvent[], site: string, f: Funnel, o: Omit<OracleOptions, 'range'> = {}) =>
      funnelOracle(
        events.filter((e) => e.site_id === site),
        { steps: f.steps, scope: f.scope, windowMs: windowMs(f) },
        { range: RANGE, ...o },
      );

    /** Every number of the answer equals the oracle's. */
    function expectSame(got: FunnelStats, want: OracleResult): void {
      expect(got.steps.map((s) => s.visitors)).toEqual(want.visitors);
      expect(got.steps.map((s) => s.median_seconds_from_previous)).toEqual(want.medians);
      const n = want.visitors.length;
      expect(got.conversion_rate).toBe(want.visitors[0] ? Math.round((want.visitors[n - 1] / want.visitors[0]) * 1000) / 10 : 0);
      got.steps.forEach((s, i) => {
        const next = i + 1 < n ? want.visitors[i + 1] : s.visitors;
        expect(s.drop_off).toBe(i + 1 < n ? s.visitors - next : 0);
      });
      const nextWanted = want.next.map((m, i) => ({
        after_step: i + 1,
        next: [...m.entries()]
          .map(([path_or_event, visitors]) => ({ path_or_event, visitors }))
          .sort((a, b) => b.visitors - a.visitors || byBytes(sortKey(a.path_or_event), sortKey(b.path_or_event)))
          .slice(0, 5),
      }));
      expect(got.drop_offs).toEqual(nextWanted);
    }
    // The engines order equal counts by label bytes, '(exit)' standing for ''.
    const sortKey = (label: string) => (label === '(exit)' ? '' : label);
    const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

    const session = funnelRecord(FUNNEL_SITE.id, SIGNUP_STEPS, 'session');
    const visitor = funnelRecord(FUNNEL_SITE.id, SIGNUP_STEPS, 'visitor');
    const tenMinutes = funnelRecord(FUNNEL_SITE.id, SIGNUP_STEPS, 'session', { value: 10, unit: 'minutes' });
    const visitorHour = funnelRecord(FUNNEL_SITE.id, SIGNUP_STEPS, 'visitor', { value: 1, unit: 'hours' });

    it('counts each visitor once at its furthest step (session scope, hand-worked cases)', async () => {
      const got = await run(FUNNEL_SITE, session);
      // Entrants A B C D E F H I J K; step 2: all but B, J; step 3: A C E H I K; step 4: A I.
      expect(got.steps.map((s) => s.visitors)).toEqual([10, 8, 6, 2]);
      // Step-2 gaps 60 60 120 240 300 300 600 1200 → 270; step 3: 60 120 180 360 300 600 → 240; step 4: 60, 0.001.
      expect(got.steps.map((s) => s.median_seconds_from_previous)).toEqual([null, 270, 240, 30]);
      expect(got.conversion_rate).toBe(20);
      expect(got.steps[1]).toMatchObject({ conversion_rate: 80, step_conversion_rate: 80, drop_off: 2, drop_off_rate: 25 });
      expect(got.period).toEqual(PERIOD);
      expect(got.drop_offs).toEqual([
        {
          after_step: 1,
          next: [
            { path_or_event: '(exit)', visitors: 1 },
            { path_or_event: '/signup', visitors: 1 },
          ],
        },
        {
          after_step: 2,
          next: [
            { path_or_event: '(exit)', visitors: 1 },
            { path_or_event: 'cta_click', visitors: 1 },
          ],
        },
        {
          after_step: 3,
          next: [
            { path_or_event: '(exit)', visitors: 3 },
            { path_or_event: 'signup_completed', visitors: 1 },
          ],
        },
      ]);
      expectSame(got, oracle(cases, FUNNEL_SITE.id, session));
    });

    it('follows a visitor across sessions with visitor scope (24 h by default)', async () => {
      const got = await run(FUNNEL_SITE, visitor);
      // J now reaches step 3 across its two sessions; D's earliest start (18:00) reaches step 2.
      expect(got.steps.map((s) => s.visitors)).toEqual([10, 9, 7, 2]);
      expectSame(got, oracle(cases, FUNNEL_SITE.id, visitor));
    });

    it('keeps steps within the window of the step-1 event, the edge included', async () => {
      const got = await run(FUNNEL_SITE, tenMinutes);
      // I: /signup at exactly 10 min counts, the event 1 ms later does not; E's pricing is 20 min later.
      expect(got.steps.map((s) => s.visitors)).toEqual([10, 7, 4, 1]);
      expectSame(got, oracle(cases, FUNNEL_SITE.id, tenMinutes));
    });

    it('lets the start that leads furthest win', async () => {
      const got = await run(FUNNEL_SITE, visitorHour);
      // K: from 08:00 nothing follows within the hour; from 11:00 it reaches step 3 (600 s, 600 s).
      expectSame(got, oracle(cases, FUNNEL_SITE.id, visitorHour));
      expect(got.steps[2].visitors).toBeGreaterThanOrEqual(1);
    });

    it('chooses entrants with filters, session-level and event-level combined', async () => {
      const filters = JSON.stringify([
        ['is', 'country', ['US']],
        ['contains', 'page', ['PRIC']],
      ]);
      const sessionOk = (evs: CanonicalEvent[]) => evs[0].country === 'US' && evs.some((e) => e.path.toLowerCase().includes('pric'));
      const got = await run(FUNNEL_SITE, session, { filters });
      expectSame(got, oracle(cases, FUNNEL_SITE.id, session, { sessionOk }));
      // Not B, D (DE), J (its home session saw no pricing page).
      expect(got.steps[0].visitors).toBe(7);
      const vis = await run(RANDOM_SITE, visitor, { filters });
      expectSame(vis, oracle(random, RANDOM_SITE.id, visitor, { sessionOk }));
    });

    it('breaks steps down by a session-level dimension and by a property of the step-1 event', async () => {
      const source = await run(FUNNEL_SITE, session, { breakdown: 'source' });
      const bySource = oracle(cases, FUNNEL_SITE.id, session, { breakdown: (_s, evs) => evs[0].source });
      expectBreakdown(source, bySource);
      expect(source.breakdown?.rows.find((r) => r.value === 'Google')?.steps.map((s) => s.visitors)).toEqual([3, 3, 3, 1]);
      const ab = await run(RANDOM_SITE, session, { breakdown: 'props:ab' });
      expectBreakdown(ab, oracle(random, RANDOM_SITE.id, session, { breakdown: (s) => s.props.ab ?? '' }));
      // The overall numbers do not change with a breakdown.
      expectSame(ab, oracle(random, RANDOM_SITE.id, session));
    });

    function expectBreakdown(got: FunnelStats, want: OracleResult): void {
      const rows = [...want.byValue.entries()]
        .map(([value, counts]) => ({ value, steps: counts.map((visitors, i) => ({ order: i + 1, visitors })) }))
        .sort((a, b) => b.steps[0].visitors - a.steps[0].visitors || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .slice(0, 20);
      expect(got.breakdown?.rows).toEqual(rows);
    }

    for (const f of [session, visitor, tenMinutes, visitorHour]) {
      it(`matches the brute-force computation on seeded traffic (${f.scope}${f.window ? `, ${f.window.value} ${f.window.unit}` : ''})`, async () => {
        const got = await run(RANDOM_SITE, f);
        const want = oracle(random, RANDOM_SITE.id, f);
        expect(want.visitors[0]).toBeGreaterThan(20);
        expect(want.visitors[3]).toBeGreaterThan(0);
        expectSame(got, want);
      });
    }

    it('takes a passive event as a step, yet never names one as what leavers did next', async () => {
      const steps: Funnel['steps'] = [
        SIGNUP_STEPS[0],
        { name: 'Scrolled', type: 'event', match: { event_name: 'scroll_depth' } },
        SIGNUP_STEPS[1],
      ];
      // Seeded traffic, against the oracle.
      const f = funnelRecord(RANDOM_SITE.id, steps, 'session');
      const want = oracle(random, RANDOM_SITE.id, f);
      expect(want.visitors[1]).toBeGreaterThan(0);
      expectSame(await run(RANDOM_SITE, f), want);
      // Site P's visit: home, scroll_depth (step 2), scroll_depth again, /docs: what it did next is /docs.
      const p = funnelRecord(PASSIVE_SITE.id, steps, 'session');
      const got = await run(PASSIVE_SITE, p);
      expect(got.steps.map((s) => s.visitors)).toEqual([1, 1, 0]);
      expect(got.drop_offs[1].next).toEqual([{ path_or_event: '/docs', visitors: 1 }]);
      expectSame(got, oracle(cases, PASSIVE_SITE.id, p));
    });

    const dropOffSessions = (
      site: { id: string; timezone: string },
      f: Funnel,
      step: number,
      extra: Record<string, string> = {},
      limit = 10_000,
    ) => stats.funnelDropOffSessions(site, { ...f, site_id: site.id }, { ...period, ...extra }, step, limit);

    it('names the sessions behind each drop-off: reached step k, not k + 1, in the session of their step-k event', async () => {
      const filters = JSON.stringify([['is', 'country', ['US']]]);
      const sessionOk = (evs: CanonicalEvent[]) => evs[0].country === 'US';
      const checks: Array<
        [{ id: string; timezone: string }, CanonicalEvent[], Funnel, Record<string, string>, OracleOptions['sessionOk']]
      > = [
        [FUNNEL_SITE, cases, session, {}, undefined],
        [FUNNEL_SITE, cases, visitor, {}, undefined],
        [RANDOM_SITE, random, session, {}, undefined],
        [RANDOM_SITE, random, visitor, {}, undefined],
        [RANDOM_SITE, random, tenMinutes, {}, undefined],
        [RANDOM_SITE, random, visitorHour, { filters }, sessionOk],
      ];
      let named = 0;
      for (const [site, events, f, extra, ok] of checks) {
        const want = oracle(events, site.id, f, { sessionOk: ok });
        const got = await run(site, f, extra);
        for (let k = 1; k < f.steps.length; k++) {
          const ids = await dropOffSessions(site, f, k, extra);
          expect(new Set(ids).size).toBe(ids.length);
          expect([...ids].sort()).toEqual([...want.dropOffSessions[k - 1]!].sort());
          // One session per leaver: as many as the step's drop-off.
          expect(ids.length).toBe(got.steps[k - 1]!.drop_off);
          named += ids.length;
        }
      }
      expect(named).toBeGreaterThan(20);
      // Hand-worked (fixture comments): within a visit B and J leave after step 1, D (its second visit) and F
      // after step 2, C E H K after step 3; across visits J's step 3 (sign-up) was in its second session.
      const sorted = async (f: Funnel, k: number) => (await dropOffSessions(FUNNEL_SITE, f, k)).sort();
      expect(await sorted(session, 1)).toEqual(['sb', 'sj1']);
      expect(await sorted(session, 2)).toEqual(['sd2', 'sf']);
      expect(await sorted(session, 3)).toEqual(['sc', 'se', 'sh', 'sk2']);
      expect(await sorted(visitor, 3)).toEqual(['sc', 'se', 'sh', 'sj2', 'sk2']);
      // Latest first, at most `limit`.
      const all = await dropOffSessions(RANDOM_SITE, session, 1);
      expect(await dropOffSessions(RANDOM_SITE, session, 1, {}, 3)).toEqual(all.slice(0, 3));
    });

    it('refuses a drop-off step the funnel does not have (400)', async () => {
      for (const step of [0, 4, 1.5])
        await expect(dropOffSessions(FUNNEL_SITE, session, step)).rejects.toMatchObject({ status: 400, code: 'invalid_step' });
    });

    it('sees only its own site', async () => {
      const got = await run(OTHER_SITE, funnelRecord(OTHER_SITE.id, SIGNUP_STEPS, 'session'), {});
      // Its one visit (home, pricing), not site F's ten with the same paths.
      expect(got.steps.map((s) => s.visitors)).toEqual([1, 1, 0, 0]);
    });
  });
}
