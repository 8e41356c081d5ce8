import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, type QueryInput } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService, type QueryResult } from '../src/stats';
import {
  GOALS,
  GOALS_NOW,
  GP,
  GP_START,
  goalsFixture,
  inGP,
  rate,
  refCompletes,
  refConversions,
  refSessions,
  refVisitors,
  SITE_G,
  SITE_H,
  type RefSession,
} from './helpers/goals-fixture';

/**
 * Goals in the stats engine (conversions, converting_visitors, conversion_rate, the goal dimension and
 * filter), every number checked against the independent computation in goals-fixture.ts. Engine
 * independent: each engine's test file runs it with its own EventStore.
 */
export function runGoalsSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`goals in the stats engine on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const events = goalsFixture();
    const sessions = refSessions(events);
    const goal = (id: string) => GOALS.find((g) => g.id === id)!;
    const completes = (id: string) => (s: RefSession) => refCompletes(s, goal(id));
    const completesAny = (s: RefSession) => GOALS.some((g) => refCompletes(s, g));
    const site = { ...SITE_G, goals: GOALS };

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      stats = new StatsService(store, { now: () => GOALS_NOW });
    });
    afterAll(async () => {
      await store?.close();
    });

    const run = (input: Partial<QueryInput>, s = site): Promise<QueryResult> =>
      stats.query(parseQuery({ site_id: s.id, date_range: GP, ...input }), s);
    const one = async (input: Partial<QueryInput>) => (await run(input)).rows[0];
    const allVisitors = refVisitors(sessions);

    it('has sessions of every kind in the fixture (the expectations below are not vacuous)', () => {
      for (const g of GOALS) expect(refConversions(sessions, (s) => refCompletes(s, g)).conversions, g.id).toBeGreaterThan(0);
      expect(refConversions(sessions, () => true).conversions).toBeLessThan(sessions.length);
    });

    it.each(GOALS.map((g) => [g.id]))('counts the conversions of goal %s (each type) and its rate', async (id) => {
      const ref = refConversions(sessions, completes(id));
      expect(await one({ metrics: ['conversions', 'converting_visitors', 'conversion_rate'], filters: [['is', 'goal', [id]]] })).toEqual({
        ...ref,
        conversion_rate: rate(ref.converting_visitors, allVisitors),
      });
    });

    it('counts a session starting before local midnight that converts after it in the period it starts in', async () => {
      const late = sessions.find((s) => s.key === 's-late|v-late')!;
      expect(inGP(late.start) && !inGP(late.events[1].ts)).toBe(true);
      const early = sessions.find((s) => s.key === 's-early|v-early')!;
      expect(!inGP(early.start) && inGP(early.events[1].ts)).toBe(true);
      const r = await run({ metrics: ['conversions'], dimensions: ['source'], filters: [['is', 'goal', ['g-signup-page', 'g-signup']]] });
      const ref = (src: string) =>
        refConversions(sessions, (s) => s.source === src && (completes('g-signup-page')(s) || completes('g-signup')(s))).conversions;
      for (const row of r.rows) expect(row.conversions, String(row.source)).toBe(ref(String(row.source)));
      // Timeseries by local day of the session's start.
      const ts = await run({ metrics: ['conversions'], interval: 'day', filters: [['is', 'goal', ['g-signup']]] });
      const day = (ms: number) => new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 10);
      expect(ts.rows).toEqual(
        ['2024-03-02', '2024-03-03'].map((date) => ({
          date,
          conversions: refConversions(sessions, (s) => day(s.start) === date && completes('g-signup')(s)).conversions,
        })),
      );
      expect(day(GP_START)).toBe('2024-03-02');
    });

    it('breaks down by goal: one row per goal, rate over all visitors', async () => {
      const r = await run({ metrics: ['conversions', 'converting_visitors', 'conversion_rate'], dimensions: ['goal'], limit: 100 });
      const expected = GOALS.map((g) => {
        const ref = refConversions(sessions, (s) => refCompletes(s, g));
        return { goal: g.id, ...ref, conversion_rate: rate(ref.converting_visitors, allVisitors) };
      }).sort((a, b) => b.conversions - a.conversions || (a.goal < b.goal ? -1 : 1));
      expect(r.rows).toEqual(expected);
    });

    it('without a goal condition counts sessions that completed any goal', async () => {
      const ref = refConversions(sessions, completesAny);
      expect(await one({ metrics: ['conversions', 'converting_visitors', 'conversion_rate', 'visitors'] })).toEqual({
        ...ref,
        conversion_rate: rate(ref.converting_visitors, allVisitors),
        visitors: allVisitors,
      });
    });

    it('restricts every metric to converting sessions when combined with other filters', async () => {
      const keep = (s: RefSession) => s.country === 'DE' && completes('g-pricing')(s);
      const r = await one({
        metrics: ['visitors', 'pageviews', 'sessions', 'conversions', 'conversion_rate'],
        filters: [
          ['is', 'goal', ['g-pricing']],
          ['is', 'country', ['DE']],
        ],
      });
      const pageviews = sessions.filter(keep).flatMap((s) => s.events.filter((e) => inGP(e.ts) && e.name === 'page_view')).length;
      const ref = refConversions(sessions, keep);
      expect(r).toEqual({
        visitors: refVisitors(sessions, keep),
        pageviews,
        sessions: ref.conversions,
        conversions: ref.conversions,
        conversion_rate: rate(
          ref.converting_visitors,
          refVisitors(sessions, (s) => s.country === 'DE'),
        ),
      });
      // is_not: the sessions that did not complete the goal, and what else they converted.
      const not = (s: RefSession) => !completes('g-pricing')(s);
      expect(await one({ metrics: ['sessions', 'conversions'], filters: [['is_not', 'goal', ['g-pricing']]] })).toEqual({
        sessions: refConversions(sessions, not).conversions,
        conversions: refConversions(sessions, (s) => not(s) && completesAny(s)).conversions,
      });
    });

    it('gives goal metrics by a session-level and by an event-level dimension', async () => {
      const r = await run({
        metrics: ['conversions', 'converting_visitors', 'conversion_rate'],
        dimensions: ['source'],
        filters: [['is', 'goal', ['g-deep']]],
      });
      const sources = [...new Set(sessions.map((s) => s.source))];
      const expected = sources
        .map((source) => {
          const ref = refConversions(sessions, (s) => s.source === source && completes('g-deep')(s));
          return {
            source,
            ...ref,
            conversion_rate: rate(
              ref.converting_visitors,
              refVisitors(sessions, (s) => s.source === source),
            ),
          };
        })
        .filter((x) => x.conversions > 0)
        .sort((a, b) => b.converting_visitors - a.converting_visitors || (a.source < b.source ? -1 : 1));
      expect(r.rows).toEqual(expected);

      // By page (event-level): sessions that converted and touched the page; rate over the page's visitors.
      const byPage = await run({ metrics: ['conversions', 'conversion_rate'], dimensions: ['page'], limit: 100 });
      const paths = [...new Set(sessions.flatMap((s) => s.events.map((e) => e.path)))];
      const pages = paths
        .map((page) => {
          const ref = refConversions(sessions, (s) => completesAny(s) && s.events.some((e) => e.path === page));
          const visitors = refVisitors(
            sessions,
            () => true,
            (e) => e.path === page,
          );
          return { page, conversions: ref.conversions, conversion_rate: rate(ref.converting_visitors, visitors) };
        })
        .filter((x) => x.conversions > 0 || x.conversion_rate > 0);
      const got = new Map(byPage.rows.map((row) => [row.page, row]));
      for (const p of pages) expect(got.get(p.page), p.page).toEqual(p);
    });

    it('runs the pathological pattern (a+)+$ in linear time (RE2)', async () => {
      const t0 = Date.now();
      expect(await one({ metrics: ['conversions'], filters: [['is', 'goal', ['g-patho']]] })).toEqual({
        conversions: refConversions(sessions, completes('g-patho')).conversions,
      });
      expect(Date.now() - t0).toBeLessThan(5000);
    });

    it('reads raw events for statements with goals', async () => {
      const r = await stats.query(
        parseQuery({ site_id: SITE_G.id, date_range: GP, metrics: ['conversions'], dimensions: ['goal'] }),
        site,
        { debug: true },
      );
      expect(r.debug?.plan.source).toBe('events');
    });

    it('refuses a goal of another site and other operators on goals (400)', async () => {
      const bad = (filters: QueryInput['filters']) => run({ metrics: ['conversions'], filters });
      await expect(bad([['is', 'goal', ['g-other-site']]])).rejects.toMatchObject({ status: 400, code: 'invalid_goal' });
      await expect(bad([['contains', 'goal', ['g']]])).rejects.toMatchObject({ status: 400, code: 'invalid_filter' });
      // The other site's events never count, also with the same goal definitions.
      const other = await stats.query(parseQuery({ site_id: SITE_H.id, date_range: GP, metrics: ['conversions'] }), {
        ...SITE_H,
        goals: GOALS,
      });
      expect(other.rows[0]).toEqual({ conversions: 30 });
      const none = await stats.query(
        parseQuery({ site_id: SITE_H.id, date_range: GP, metrics: ['conversions'], dimensions: ['goal'] }),
        SITE_H,
      );
      expect(none.rows).toEqual([]);
    });
  });
}
