import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent, Cohorts } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService, type StatsServiceOptions } from '../src/stats';
import {
  COHORT_NOW,
  COHORT_SITE,
  cohortEvents,
  HAND_SITE,
  handEvents,
  lateCohortEvents,
  LONG_GOAL,
  PRICING_GOAL,
  SIGNUP_GOAL,
} from './helpers/cohorts-fixture';
import { cohortOracle, type CohortOracleOptions } from './helpers/cohorts-oracle';
import { journeyOracle } from './helpers/journeys-oracle';
import { traitIdentifies } from './helpers/trait-fixture';
import { profilePayments, writePayments } from './helpers/profiles-oracle';
import { ensureCredits, RateTable } from '../src/revenue';

export interface CohortsEngineOptions {
  /** Builds derived data (a rollup) over what is stored; returns what the stats service needs to read it. */
  derive?(store: EventStore): Promise<Partial<StatsServiceOptions>>;
  /** Closes what `derive` opened (before the store closes). */
  release?(): Promise<void>;
}

/**
 * Cohort grids (stats/cohorts/) on one engine: the hand-worked identity case, and seeded traffic (with
 * events received late) against the oracle's plain computation for every interval, grouping, unit and
 * goal kind; with `derive` the answers come from the engine's derived data plus the events after it.
 */
export function runCohortsSuite(engine: string, makeStore: () => Promise<EventStore>, opts: CohortsEngineOptions = {}): void {
  describe(`cohorts on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const seeded = cohortEvents();
    const random = [...seeded, ...lateCohortEvents(seeded)];
    const hand = handEvents();
    const site = { ...COHORT_SITE, goals: [SIGNUP_GOAL, PRICING_GOAL, LONG_GOAL] };
    const handSite = { ...HAND_SITE, goals: [SIGNUP_GOAL] };

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events: [...random, ...hand], raw: [], quarantine: [], drops: [] });
      const derived = (await opts.derive?.(store)) ?? {};
      stats = new StatsService(store, { now: () => COHORT_NOW, sharedResultsMs: 0, ...derived });
    });
    afterAll(async () => {
      await opts.release?.();
      await store?.close();
    });

    const DAY = 86_400_000;
    const maxDays = { day: 1, week: 7, month: 31 };
    function expectOracle(got: Cohorts, events: CanonicalEvent[], o: Omit<CohortOracleOptions, 'nowMs'>) {
      // The range read: 180 days before the first cohort up to the last period that can be shown.
      const readEnd = Math.min(COHORT_NOW, o.endMs + o.periods * maxDays[o.interval] * DAY);
      const read = events.filter((e) => e.ts >= o.startMs - 180 * DAY && e.ts < readEnd);
      const want = cohortOracle(read, { ...o, nowMs: COHORT_NOW });
      const have = got.cohorts.map((c) => ({
        cohort: c.cohort,
        size: c.size,
        converted: c.converted,
        active: c.cells.map((x) => x.active),
        conversions: c.cells.map((x) => x.conversions),
      }));
      const order = (a: { cohort: string }, b: { cohort: string }) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0);
      expect(have.sort(order)).toEqual(want.sort(order));
      for (const c of got.cohorts)
        for (const x of c.cells) expect(x.retention).toBe(c.size ? Math.round((x.active / c.size) * 1000) / 10 : 0);
    }
    const ny = (date: string) => Date.parse(`${date}T05:00:00Z`);

    it('merges identified visitors into people: earlier anonymous events and other devices (hand-worked)', async () => {
      const q = { period: 'custom', start_date: '2024-01-01', end_date: '2024-01-31', periods: '5' };
      const people = await stats.cohorts(handSite, { ...q, unit: 'people', goal: SIGNUP_GOAL.id });
      expect(people.basis).toBe('people');
      expect(people.basis_note).toBeNull();
      // Week of Jan 1: alice (a1 + a2) and b1; week of Jan 8: c1. Alice returns in week 3 (a2); b1 in week 2.
      expect(people.cohorts.map((c) => [c.cohort, c.size, c.cells.map((x) => x.active)])).toEqual([
        ['2024-01-01', 2, [2, 1, 1, 0, 0]],
        ['2024-01-08', 1, [1, 0, 1, 0, 0]],
      ]);
      expect(people.cohorts[1]).toMatchObject({ converted: 1 });
      expect(people.cohorts[1]!.cells[2]).toMatchObject({ conversions: 1, conversion_rate: 100 });
      // Counting visitor ids, alice's phone is a member of its own in week 3.
      const visitors = await stats.cohorts(handSite, { ...q, unit: 'visitors' });
      expect(visitors.basis).toBe('visitors');
      expect(visitors.basis_note).toMatch(/cookieless/);
      expect(visitors.cohorts.map((c) => [c.cohort, c.size])).toEqual([
        ['2024-01-01', 2],
        ['2024-01-08', 1],
        ['2024-01-15', 1],
      ]);
      // With identified users on the site, people is the default.
      expect((await stats.cohorts(handSite, q)).basis).toBe('people');
    });

    it('agrees with the oracle by first week, day and month, for people and visitors', async () => {
      const ev = random.filter((e) => e.site_id === COHORT_SITE.id);
      const cases: Array<[Record<string, string>, Omit<CohortOracleOptions, 'nowMs'>]> = [
        [
          {
            period: 'custom',
            start_date: '2024-01-01',
            end_date: '2024-03-24',
            interval: 'week',
            periods: '12',
            unit: 'people',
            goal: SIGNUP_GOAL.id,
          },
          {
            timezone: site.timezone,
            interval: 'week',
            periods: 12,
            by: 'first_visit',
            people: true,
            goal: SIGNUP_GOAL,
            startMs: ny('2024-01-01'),
            endMs: ny('2024-03-25'),
          },
        ],
        [
          {
            period: 'custom',
            start_date: '2024-01-01',
            end_date: '2024-02-29',
            interval: 'month',
            periods: '4',
            unit: 'visitors',
            goal: PRICING_GOAL.id,
          },
          {
            timezone: site.timezone,
            interval: 'month',
            periods: 4,
            by: 'first_visit',
            people: false,
            goal: PRICING_GOAL,
            startMs: ny('2024-01-01'),
            endMs: ny('2024-03-01'),
          },
        ],
        [
          { period: 'custom', start_date: '2024-02-01', end_date: '2024-02-20', interval: 'day', periods: '10', unit: 'people' },
          {
            timezone: site.timezone,
            interval: 'day',
            periods: 10,
            by: 'first_visit',
            people: true,
            goal: null,
            startMs: ny('2024-02-01'),
            endMs: ny('2024-02-21'),
          },
        ],
      ];
      for (const [params, o] of cases) expectOracle(await stats.cohorts(site, params), ev, o);
    });

    it('agrees with the oracle without a goal, also in zones whose day starts off the UTC hour', async () => {
      const ev = random.filter((e) => e.site_id === COHORT_SITE.id);
      const cases: Array<[string, 'day' | 'week' | 'month', number, 'people' | 'visitors', string, string, string]> = [
        // zone, interval, periods, unit, first and last day, the first day's local midnight in UTC
        [site.timezone, 'week', 12, 'people', '2024-01-01', '2024-03-24', '2024-01-01T05:00:00Z'],
        [site.timezone, 'month', 3, 'visitors', '2024-01-01', '2024-02-29', '2024-01-01T05:00:00Z'],
        ['Asia/Kathmandu', 'day', 14, 'people', '2024-01-10', '2024-02-20', '2024-01-09T18:15:00Z'],
        ['Asia/Kolkata', 'week', 6, 'visitors', '2024-01-08', '2024-02-25', '2024-01-07T18:30:00Z'],
      ];
      for (const [timezone, interval, periods, unit, start, end, startUtc] of cases) {
        const got = await stats.cohorts(
          { ...site, timezone },
          { period: 'custom', start_date: start, end_date: end, interval, periods: String(periods), unit },
        );
        const startMs = Date.parse(startUtc);
        const days = Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY) + 1;
        expectOracle(got, ev, {
          timezone,
          interval,
          periods,
          by: 'first_visit',
          people: unit === 'people',
          goal: null,
          startMs,
          endMs: startMs + days * DAY,
        });
      }
    });

    it('groups by first source or landing page', async () => {
      const ev = random.filter((e) => e.site_id === COHORT_SITE.id);
      for (const by of ['source', 'landing_page'] as const) {
        const got = await stats.cohorts(site, {
          period: 'custom',
          start_date: '2024-01-01',
          end_date: '2024-02-29',
          by,
          periods: '6',
          unit: 'people',
        });
        expect(got.by).toBe(by);
        expectOracle(got, ev, {
          timezone: site.timezone,
          interval: 'week',
          periods: 6,
          by,
          people: true,
          goal: null,
          startMs: ny('2024-01-01'),
          endMs: ny('2024-03-01'),
        });
      }
    });

    it('groups by a trait: the latest value among the member identify events', async () => {
      // A copy of the seeded traffic on a site of its own, with plans sent from mid-January on.
      const traitSite = { id: 'site-kt', timezone: COHORT_SITE.timezone };
      const copy = random
        .filter((e) => e.site_id === COHORT_SITE.id)
        .map((e) => ({ ...e, site_id: traitSite.id, event_id: e.event_id.replace('-a000-', '-a001-') }));
      const ev = [...copy, ...traitIdentifies(copy, traitSite.id, Date.parse('2024-01-15T00:00:00Z'))];
      await store.write({ events: ev, raw: [], quarantine: [], drops: [] });
      for (const unit of ['people', 'visitors'] as const) {
        const got = await stats.cohorts(traitSite, {
          period: 'custom',
          start_date: '2024-01-01',
          end_date: '2024-02-29',
          by: 'trait:plan',
          periods: '6',
          unit,
        });
        expect(got.by).toBe('trait:plan');
        expect(got.cohorts.map((c) => c.cohort)).toContain('enterprise');
        expectOracle(got, ev, {
          timezone: traitSite.timezone,
          interval: 'week',
          periods: 6,
          by: 'trait:plan',
          people: unit === 'people',
          goal: null,
          startMs: ny('2024-01-01'),
          endMs: ny('2024-03-01'),
        });
      }
      await expect(stats.cohorts(site, { by: "trait:a'b" })).rejects.toMatchObject({ code: 'invalid_by' });
    });

    it('gives revenue per member per period when the site has revenue', async () => {
      // Seeded traffic on a site of its own, with payments (and a refund) of some of its visitor ids, in EUR.
      const revSite = { id: 'site-kr', timezone: COHORT_SITE.timezone };
      const copy = random
        .filter((e) => e.site_id === COHORT_SITE.id)
        .map((e) => ({ ...e, site_id: revSite.id, event_id: e.event_id.replace('-a000-', '-a002-') }));
      const payments = profilePayments(copy, revSite.id);
      await store.write({ events: copy, raw: [], quarantine: [], drops: [] });
      await writePayments(store, payments);
      const ctx = { currency: 'EUR', rates: new RateTable([]), ratesFingerprint: 'none', now: COHORT_NOW };
      const withRevenue = new StatsService(store, {
        now: () => COHORT_NOW,
        sharedResultsMs: 0,
        revenueCredits: (id) => ensureCredits(store, id, ctx),
      });
      for (const unit of ['people', 'visitors'] as const) {
        const o = {
          timezone: revSite.timezone,
          interval: 'week' as const,
          periods: 8,
          by: 'first_visit' as const,
          people: unit === 'people',
        };
        const got = await withRevenue.cohorts(revSite, {
          period: 'custom',
          start_date: '2024-01-01',
          end_date: '2024-02-29',
          periods: '8',
          unit,
        });
        expect(got.currency).toBe('EUR');
        const startMs = ny('2024-01-01');
        const endMs = ny('2024-03-01');
        const readEnd = Math.min(COHORT_NOW, endMs + 8 * 7 * DAY);
        const read = copy.filter((e) => e.ts >= startMs - 180 * DAY && e.ts < readEnd);
        const paid = payments.filter((p) => p.ts >= startMs - 180 * DAY && p.ts < readEnd);
        const want = cohortOracle(read, { ...o, goal: null, startMs, endMs, nowMs: COHORT_NOW, payments: paid });
        const perMember = (rev: number, size: number) => Math.round((rev / 100 / size) * 100) / 100;
        const have = Object.fromEntries(got.cohorts.map((c) => [c.cohort, c.cells.map((x) => x.revenue_per_member)]));
        expect(have).toEqual(Object.fromEntries(want.map((c) => [c.cohort, c.revenue!.map((r) => perMember(r, c.size))])));
        // Some cohort earned something, or this proves little.
        expect(
          Object.values(have)
            .flat()
            .some((v) => (v ?? 0) > 0),
        ).toBe(true);
      }
      // A site without revenue says so.
      const none = await withRevenue.cohorts(site, { period: 'custom', start_date: '2024-01-01', end_date: '2024-02-29' });
      expect([none.currency, none.cohorts[0]!.cells[0]!.revenue_per_member]).toEqual([null, null]);
    });

    it('segments journeys over a goal: direct converters, researchers, browsers (hand-worked and oracle)', async () => {
      const jan = { period: 'custom', start_date: '2024-01-01', end_date: '2024-01-31', goal: SIGNUP_GOAL.id };
      const hand = await stats.journeys(handSite, jan);
      const bySeg = (j: Awaited<ReturnType<typeof stats.journeys>>) => Object.fromEntries(j.segments.map((x) => [x.id, x.members]));
      // People: alice (2 sessions, on two devices) and b1 (2) without sign-up; c1 signs up in its 2nd session.
      expect(hand.basis).toBe('people');
      expect(bySeg(hand)).toEqual({ direct_converters: 0, researchers: 1, later_converters: 0, browsers: 0, others: 2 });
      expect(hand.members).toBe(3);
      const visitors = await stats.journeys(handSite, { ...jan, unit: 'visitors' });
      expect(bySeg(visitors)).toEqual({ direct_converters: 0, researchers: 1, later_converters: 0, browsers: 0, others: 3 });
      expect(visitors.basis_note).toMatch(/cookieless/);
      const ev = random.filter((e) => e.site_id === COHORT_SITE.id);
      for (const [goal, unit] of [
        [SIGNUP_GOAL, 'people'],
        [PRICING_GOAL, 'visitors'],
        [LONG_GOAL, 'people'],
      ] as const) {
        const got = await stats.journeys(site, { period: 'custom', start_date: '2024-01-01', end_date: '2024-03-31', goal: goal.id, unit });
        const want = journeyOracle(ev, { startMs: ny('2024-01-01'), endMs: ny('2024-04-01'), people: unit === 'people', goal });
        for (const seg of got.segments) {
          const w = want.get(seg.id) ?? { members: 0, sessions: 0 };
          expect([seg.id, seg.members, seg.avg_sessions]).toEqual([
            seg.id,
            w.members,
            w.members ? Math.round((w.sessions / w.members) * 10) / 10 : 0,
          ]);
        }
        expect(got.segments.reduce((a, x) => a + x.members, 0)).toBe(got.members);
        expect(got.segments.find((x) => x.id === 'browsers')!.members).toBeGreaterThan(0);
      }
      await expect(stats.journeys(site, { goal: 'nope' })).rejects.toMatchObject({ code: 'invalid_goal' });
      await expect(stats.journeys(site, {})).rejects.toMatchObject({ code: 'invalid_goal' });
    });

    it('refuses goals of another kind or site and bad parameters with coded 400s', async () => {
      const q = { period: 'custom', start_date: '2024-01-01', end_date: '2024-01-31' };
      await expect(stats.cohorts(site, { ...q, goal: LONG_GOAL.id })).rejects.toMatchObject({ code: 'invalid_goal' });
      await expect(stats.cohorts(site, { ...q, goal: 'nope' })).rejects.toMatchObject({ code: 'invalid_goal' });
      await expect(stats.cohorts(site, { ...q, interval: 'year' })).rejects.toMatchObject({ code: 'invalid_interval' });
      await expect(stats.cohorts(site, { ...q, periods: '53' })).rejects.toMatchObject({ code: 'invalid_periods' });
      await expect(stats.cohorts(site, { ...q, by: "source'--" })).rejects.toMatchObject({ code: 'invalid_by' });
      await expect(stats.cohorts(site, { ...q, other: '1' })).rejects.toMatchObject({ code: 'unknown_parameter' });
    });
  });
}
