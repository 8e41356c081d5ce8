import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, type CanonicalEvent, type DashboardStats, type QueryInput } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { COHORT_NOW, COHORT_SITE, cohortEvent, cohortEvents } from './helpers/cohorts-fixture';
import { distinctBy, personOf } from './helpers/people-oracle';
import { latestTraits, traitIdentifies } from './helpers/trait-fixture';
import { profilePayments, writePayments } from './helpers/profiles-oracle';
import { ensureCredits, RateTable } from '../src/revenue';

/**
 * The stats engine's `unit=people` and `user_id` dimension/filter on one engine, against the person
 * rule computed plainly (helpers/people-oracle.ts) over seeded traffic where users identify
 * mid-session, on a second device and as another user, plus a visitor pair that identifies as one
 * user on another site only (no merge across sites).
 */
const OTHER_SITE = 'site-k2';
const DAY = 86_400_000;
const LOOKAROUND = DAY;
const START = Date.parse('2024-02-01T00:00:00Z');
const END = Date.parse('2024-03-01T00:00:00Z');

function crossSiteEvents(): CanonicalEvent[] {
  const t = START + 10 * DAY;
  return [
    cohortEvent(COHORT_SITE.id, 'xa', t, 'page_view', { path: '/x' }),
    cohortEvent(COHORT_SITE.id, 'xb', t + 1000, 'page_view', { path: '/x' }),
    cohortEvent(OTHER_SITE, 'xa', t + 2000, 'identify', { user: 'shared' }),
    cohortEvent(OTHER_SITE, 'xb', t + 3000, 'identify', { user: 'shared' }),
  ];
}

export function runPeopleStatsSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`stats unit=people and user_id on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const seeded = cohortEvents('people-stats');
    // Traits sent before the rows a statement reads: trait values come from the site's whole history.
    const traits = traitIdentifies(seeded, COHORT_SITE.id, START - 40 * DAY);
    const all = [...seeded, ...crossSiteEvents(), ...traits];
    // Payments (EUR) of some visitor ids, identified or not, one refunded.
    const payments = profilePayments(seeded, COHORT_SITE.id);
    const site = all.filter((e) => e.site_id === COHORT_SITE.id);
    // The rows a statement reads: the period widened by the session look-around.
    const read = site.filter((e) => e.ts >= START - LOOKAROUND && e.ts < END + LOOKAROUND);
    const inPeriod = site.filter((e) => e.ts >= START && e.ts < END);
    const person = personOf(read);

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events: all, raw: [], quarantine: [], drops: [] });
      await writePayments(store, payments);
      const ctx = { currency: 'EUR', rates: new RateTable([]), ratesFingerprint: 'none', now: COHORT_NOW };
      stats = new StatsService(store, { now: () => COHORT_NOW, sharedResultsMs: 0, revenueCredits: (id) => ensureCredits(store, id, ctx) });
    });
    afterAll(async () => {
      await store?.close();
    });

    const run = async (input: Partial<QueryInput>) =>
      (
        await stats.query(
          parseQuery({ site_id: COHORT_SITE.id, date_range: { start: '2024-02-01', end: '2024-02-29' }, timezone: 'UTC', ...input }),
          COHORT_SITE,
        )
      ).rows;
    const rowsBy = (rows: Record<string, string | number>[], dim: string, metric: string) =>
      Object.fromEntries(rows.map((r) => [String(r[dim]), r[metric]]));

    it('counts people: identified visitor ids joined by user id, anonymous ones alone', async () => {
      const people = new Set(inPeriod.map(person)).size;
      const visitors = new Set(inPeriod.map((e) => e.visitor_id)).size;
      // The fixture must make the two differ, or this would prove nothing.
      expect(people).toBeLessThan(visitors);
      expect(await run({ metrics: ['visitors'], unit: 'people' })).toEqual([{ visitors: people }]);
      expect(await run({ metrics: ['visitors'] })).toEqual([{ visitors: visitors }]);
      expect(await run({ metrics: ['visitors'], unit: 'visitors' })).toEqual([{ visitors: visitors }]);
    });

    it('does not merge across sites (two visitor ids identified as one user elsewhere stay two)', async () => {
      const rows = await run({ metrics: ['visitors'], unit: 'people', filters: [['is', 'page', ['/x']]] });
      expect(rows).toEqual([{ visitors: 2 }]);
    });

    it('breaks people down by page and by day', async () => {
      const want = distinctBy(inPeriod, (e) => e.path, person);
      expect(rowsBy(await run({ metrics: ['visitors'], unit: 'people', dimensions: ['page'] }), 'page', 'visitors')).toEqual(want);
      const byDay = distinctBy(inPeriod, (e) => new Date(e.ts).toISOString().slice(0, 10), person);
      const series = await run({ metrics: ['visitors'], unit: 'people', interval: 'day' });
      const got = Object.fromEntries(series.filter((r) => r.visitors !== 0).map((r) => [String(r.date).slice(0, 10), r.visitors]));
      expect(got).toEqual(byDay);
    });

    it('counts sessions as (session, person) starting in the period', async () => {
      const starts = new Map<string, number>();
      for (const e of read) {
        const k = `${e.session_id}|${person(e)}`;
        starts.set(k, Math.min(starts.get(k) ?? Infinity, e.ts));
      }
      const want = [...starts.values()].filter((t) => t >= START && t < END).length;
      expect(await run({ metrics: ['sessions'], unit: 'people' })).toEqual([{ sessions: want }]);
    });

    it('breaks down and filters by user_id', async () => {
      const want = distinctBy(
        inPeriod,
        (e) => e.user_id,
        (e) => e.visitor_id,
      );
      const rows = await run({ metrics: ['visitors'], dimensions: ['user_id'], limit: 1000 });
      expect(rowsBy(rows, 'user_id', 'visitors')).toEqual(want);
      const users = Object.keys(want)
        .filter((u) => u !== '')
        .sort()
        .slice(0, 3);
      expect(users.length).toBe(3);
      const matching = inPeriod.filter((e) => users.includes(e.user_id));
      expect(await run({ metrics: ['visitors', 'events'], filters: [['is', 'user_id', users]] })).toEqual([
        { visitors: new Set(matching.map((e) => e.visitor_id)).size, events: matching.length },
      ]);
      // Identified people only: every event with a user id, as people.
      const identified = inPeriod.filter((e) => e.user_id !== '');
      expect(await run({ metrics: ['visitors'], unit: 'people', filters: [['is_not', 'user_id', ['']]] })).toEqual([
        { visitors: new Set(identified.map(person)).size },
      ]);
    });

    it('answers the dashboard stats in people, with a page breakdown', async () => {
      const d = (await stats.dashboard(
        { ...COHORT_SITE, timezone: 'UTC' },
        {
          period: 'custom',
          start_date: '2024-02-01',
          end_date: '2024-02-29',
          metrics: 'visitors',
          dimensions: 'page',
          compare: 'false',
          limit: '100',
          unit: 'people',
        },
      )) as DashboardStats;
      expect(d.metrics.visitors?.value).toBe(new Set(inPeriod.map(person)).size);
      expect(rowsBy(d.dimensions.pages!, 'path', 'visitors')).toEqual(distinctBy(inPeriod, (e) => e.path, person));
      await expect(stats.dashboard(COHORT_SITE, { unit: 'everyone' })).rejects.toMatchObject({ status: 400, code: 'invalid_unit' });
    });

    it('breaks down and filters by a trait of the person, for visitors and for people', async () => {
      const plan = latestTraits(all, 'plan');
      // An event's user: its own, else the one its visitor id identified as in the rows read.
      const userOf = (e: CanonicalEvent) => (e.user_id ? e.user_id : person(e).startsWith('u') ? person(e).slice(1) : '');
      const traitOf = (e: CanonicalEvent) => plan.get(userOf(e)) ?? '';
      // The fixture must give several plans, a change and people without one.
      expect(new Set(inPeriod.map(traitOf))).toEqual(new Set(['', 'free', 'pro', 'team', 'enterprise']));
      const byVisitor = distinctBy(inPeriod, traitOf, (e) => e.visitor_id);
      expect(rowsBy(await run({ metrics: ['visitors'], dimensions: ['trait:plan'] }), 'trait:plan', 'visitors')).toEqual(byVisitor);
      const byPerson = distinctBy(inPeriod, traitOf, person);
      expect(rowsBy(await run({ metrics: ['visitors'], dimensions: ['trait:plan'], unit: 'people' }), 'trait:plan', 'visitors')).toEqual(
        byPerson,
      );
      const pro = inPeriod.filter((e) => ['pro', 'team'].includes(traitOf(e)));
      expect(await run({ metrics: ['visitors', 'events'], filters: [['is', 'trait:plan', ['pro', 'team']]] })).toEqual([
        { visitors: new Set(pro.map((e) => e.visitor_id)).size, events: pro.length },
      ]);
      const notFree = inPeriod.filter((e) => !traitOf(e).toLowerCase().includes('free') && e.path === '/pricing');
      expect(
        await run({
          metrics: ['pageviews', 'events'],
          filters: [
            ['not', ['contains', 'trait:plan', ['FREE']]],
            ['is', 'page', ['/pricing']],
          ],
        }),
      ).toEqual([{ pageviews: notFree.filter((e) => e.name === 'page_view').length, events: notFree.length }]);
      // With a session-level breakdown (sessions counted from the session rows, the trait filter on their events).
      const start = new Map<string, number>();
      for (const e of read)
        start.set(`${e.session_id}|${e.visitor_id}`, Math.min(start.get(`${e.session_id}|${e.visitor_id}`) ?? Infinity, e.ts));
      const sessions = new Set(
        pro.map((e) => `${e.session_id}|${e.visitor_id}`).filter((k) => start.get(k)! >= START && start.get(k)! < END),
      ).size;
      const rows = await run({ metrics: ['sessions'], filters: [['is', 'trait:plan', ['pro', 'team']]] });
      expect(rows).toEqual([{ sessions }]);
    });

    it('refuses trait dimensions with page-view and revenue metrics', async () => {
      for (const metrics of [['avg_time'], ['total_revenue']] as const)
        await expect(run({ metrics: [...metrics], dimensions: ['trait:plan'] })).rejects.toMatchObject({
          status: 400,
          code: 'invalid_dimension',
        });
      await expect(run({ metrics: ['visitors'], dimensions: ["trait:a'b" as 'trait:x'] })).rejects.toMatchObject({ status: 400 });
    });

    it('gives revenue metrics for people: paying people are the persons of the payers', async () => {
      const paid = payments.filter((p) => p.ts >= START && p.ts < END);
      const bought = paid.filter((p) => p.kind === 'payment');
      // The period must hold payments of identified visitor ids, or people and visitors would not differ.
      const payerPerson = (visitor: string) => person({ visitor_id: visitor, user_id: '' } as CanonicalEvent);
      expect(bought.some((p) => payerPerson(p.visitor).startsWith('u'))).toBe(true);
      const total = paid.reduce((a, p) => a + p.amount, 0) / 100;
      const people = new Set(inPeriod.map(person)).size;
      const metrics = ['total_revenue', 'transactions', 'paying_visitors', 'revenue_per_visitor', 'visitors'] as const;
      expect(await run({ metrics: [...metrics], unit: 'people' })).toEqual([
        {
          total_revenue: total,
          transactions: bought.length,
          paying_visitors: new Set(bought.map((p) => payerPerson(p.visitor))).size,
          revenue_per_visitor: Math.round((total / people) * 100) / 100,
          visitors: people,
        },
      ]);
      expect((await run({ metrics: ['paying_visitors'] }))[0]).toEqual({ paying_visitors: new Set(bought.map((p) => p.visitor)).size });
    });

    it('splits people into new and returning: returning when any of their ids was seen before the period', async () => {
      const earlier = all.filter((e) => e.site_id === COHORT_SITE.id && e.ts < START);
      const seenVisitors = new Set(earlier.map((e) => e.visitor_id));
      const returning = new Set([
        ...earlier.filter((e) => e.user_id).map((e) => `u${e.user_id}`),
        ...read.filter((e) => seenVisitors.has(e.visitor_id)).map(person),
      ]);
      const people = new Set(inPeriod.map(person));
      const back = [...people].filter((p) => returning.has(p)).length;
      // Both kinds, and people differ from visitor ids here, or this would prove little.
      expect(back).toBeGreaterThan(0);
      expect(back).toBeLessThan(people.size);
      expect(await run({ metrics: ['visitors', 'new_visitors', 'returning_visitors'], unit: 'people' })).toEqual([
        { visitors: people.size, new_visitors: people.size - back, returning_visitors: back },
      ]);
      const byPage = await run({ metrics: ['new_visitors'], unit: 'people', dimensions: ['page'] });
      const newByPage = distinctBy(
        inPeriod.filter((e) => !returning.has(person(e))),
        (e) => e.path,
        person,
      );
      expect(rowsBy(byPage, 'page', 'new_visitors')).toEqual(newByPage);
    });

    it('refuses an unknown unit', async () => {
      await expect(run({ metrics: ['visitors'], unit: 'persons' as 'people' })).rejects.toMatchObject({
        status: 400,
        code: 'invalid_unit',
      });
    });
  });
}
