import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES, type GoalDefinition, type ProfileSummary } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { rulesScorer } from '../src/scoring';
import { ensureCredits, RateTable } from '../src/revenue';
import { openReplayStore, type ReplayStore } from '../src/replay';
import { OTHER_SITE, PROFILE_SITE, profileEvents, SEEDED_SITE, T0 } from './helpers/profiles-fixture';
import { mergeOracle, profileOracle, profilePayments, writePayments, type Payment, type ProfileFacts } from './helpers/profiles-oracle';
import { tempDir } from './helpers/events';

/**
 * Profiles (stats/profiles/) on one engine: the hand-made identity case (identify mid-session keeps
 * the earlier anonymous page views, a second device joins, no merge across sites) and the seeded
 * traffic's whole profile list against the oracle.
 */
const GOALS: GoalDefinition[] = [
  { id: 'g-pricing', name: 'Pricing', type: 'destination', match: { path: '/pricing' } },
  { id: 'g-long', name: 'Long', type: 'duration', match: { min_duration_s: 120 } },
  { id: 'g-identify', name: 'Signed in', type: 'event', match: { event_name: 'identify' } },
];

export function runProfilesSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`profiles on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    let replay: ReplayStore;
    const all = profileEvents();
    const seededEvents = all.filter((e) => e.site_id === SEEDED_SITE.id);
    const payments: Payment[] = [
      ...profilePayments(seededEvents, SEEDED_SITE.id),
      // Site P: alice pays on her laptop and her phone, one payment partly refunded; b1 pays anonymously.
      { site: PROFILE_SITE.id, key: 'p1', kind: 'payment', visitor: 'a1', ts: T0 + 5 * 60_000, amount: 2500 },
      { site: PROFILE_SITE.id, key: 'p2', kind: 'payment', visitor: 'a2', ts: T0 + 1442 * 60_000, amount: 1000 },
      { site: PROFILE_SITE.id, key: 'rf:p1', kind: 'refund', visitor: 'a1', ts: T0 + 2000 * 60_000, amount: -500 },
      { site: PROFILE_SITE.id, key: 'p3', kind: 'payment', visitor: 'b1', ts: T0 + 11 * 60_000, amount: 700 },
    ];
    const seeded = profileOracle(
      seededEvents,
      payments.filter((p) => p.site === SEEDED_SITE.id),
    );
    const summary = ({ list: _list, ...p }: ProfileFacts & { list: unknown }) => p;
    // Scores are proven by the scoring suite; here the profiles' own facts.
    const scorer = rulesScorer(DEFAULT_SCORING_RULES, [], T0);
    const unscored = ({ score: _s, score_reasons: _r, segment: _g, ...p }: ProfileSummary) => p;
    const byLastSeen = [...seeded.values()].sort((a, b) => b.last_seen - a.last_seen || (a.id < b.id ? -1 : 1)).map(summary);

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events: all, raw: [], quarantine: [], drops: [] });
      await writePayments(store, payments);
      // Credits in the reporting currency (EUR, so no conversion), brought up to date before profiles read them.
      const ctx = { currency: 'EUR', rates: new RateTable([]), ratesFingerprint: 'none', now: T0 + 10 * 86_400_000 };
      stats = new StatsService(store, { sharedResultsMs: 0, revenueCredits: (id) => ensureCredits(store, id, ctx) });
      replay = await openReplayStore(store, tempDir('profiles-replay'));
      // Two recordings of a1, one of a2; one of a1 on site Q is not alice's.
      for (const [site, rec, visitor] of [
        [PROFILE_SITE.id, 'rec-a', 'a1'],
        [PROFILE_SITE.id, 'rec-b', 'a1'],
        [PROFILE_SITE.id, 'rec-c', 'a2'],
        [OTHER_SITE.id, 'rec-d', 'a1'],
      ] as const)
        for (const seq of [0, 1])
          await replay.append({
            site_id: site,
            recording_id: rec,
            seq,
            visitor_id: visitor,
            session_id: 's1',
            received_at: T0 + seq,
            ts_start: T0 + seq,
            ts_end: T0 + seq + 1,
            event_count: 1,
            paths: ['/'],
            clicks: 0,
            rage_clicks: 0,
            errors: 0,
            country: 'DE',
            device: 'desktop',
            browser: 'Chrome',
            gzip: zlib.gzipSync('[]'),
          });
    });
    afterAll(async () => {
      await replay?.close();
      await store?.close();
    });

    it('lists every profile of the seeded traffic, newest first and paged, as the person rule says', async () => {
      const whole = await stats.profiles(SEEDED_SITE, { limit: '200' }, scorer);
      expect(whole.total).toBe(seeded.size);
      expect(whole.profiles.map(unscored)).toEqual(byLastSeen.slice(0, 200));
      const page = await stats.profiles(SEEDED_SITE, { limit: '7', offset: '11' }, scorer);
      expect(page.profiles.map(unscored)).toEqual(byLastSeen.slice(11, 18));
      // The seeded traffic has people with several visitor ids, or this would prove little.
      expect(byLastSeen.some((p) => p.visitor_ids > 1)).toBe(true);
      // Revenue: payments less refunds of the person's visitor ids, most first.
      expect(byLastSeen.filter((p) => p.transactions > 0).length).toBeGreaterThan(5);
      const richest = [...seeded.values()]
        .sort((a, b) => b.revenue - a.revenue || b.last_seen - a.last_seen || (a.id < b.id ? -1 : 1))
        .map(summary);
      expect((await stats.profiles(SEEDED_SITE, { sort: 'revenue', limit: '30' }, scorer)).profiles.map(unscored)).toEqual(
        richest.slice(0, 30),
      );
      const busiest = [...seeded.values()]
        .sort((a, b) => b.events - a.events || b.last_seen - a.last_seen || (a.id < b.id ? -1 : 1))
        .map(summary);
      expect((await stats.profiles(SEEDED_SITE, { sort: 'events', limit: '25' }, scorer)).profiles.map(unscored)).toEqual(
        busiest.slice(0, 25),
      );
      // The score order reads every profile and pages after scoring: each keeps its facts, revenue included.
      const byScore = await stats.profiles(SEEDED_SITE, { sort: 'score', limit: '40', offset: '3' }, scorer);
      expect(byScore.total).toBe(seeded.size);
      expect(byScore.profiles).toHaveLength(40);
      const scores = byScore.profiles.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((x, y) => y - x));
      for (const p of byScore.profiles) expect(unscored(p)).toEqual(summary(seeded.get(p.id)!));
    });

    it('keeps the people with a session matching stats filters', async () => {
      const all = { period: 'custom', start_date: '2023-12-01', end_date: '2024-05-31', limit: '200' };
      const ids = async (filters: unknown) =>
        (await stats.profiles(SEEDED_SITE, { ...all, filters: JSON.stringify(filters) }, scorer)).profiles.map((p) => p.id).sort();
      // Event-level: an event on /pricing (the page dimension is any event's path) in one of the person's sessions.
      const pricing = [...seeded.values()].filter((p) => p.list.some((e) => e.path === '/pricing'));
      expect(pricing.length).toBeGreaterThan(0);
      expect(pricing.length).toBeLessThan(seeded.size);
      expect(await ids([['is', 'page', ['/pricing']]])).toEqual(pricing.map((p) => p.id).sort());
      // Session-level: a session (of a visitor id) whose first event came from Google, the person having an event in it.
      const first = new Map<string, { ts: number; source: string }>();
      for (const e of seededEvents) {
        const k = `${e.session_id}|${e.visitor_id}`;
        if (!first.has(k) || e.ts < first.get(k)!.ts) first.set(k, { ts: e.ts, source: e.source });
      }
      const google = [...seeded.values()].filter((p) =>
        p.list.some((e) => first.get(`${e.session_id}|${e.visitor_id}`)!.source === 'Google'),
      );
      expect(google.length).toBeGreaterThan(0);
      expect(google.length).toBeLessThan(seeded.size);
      expect(await ids({ source: 'Google' })).toEqual(google.map((p) => p.id).sort());
      const both = await stats.profiles(
        SEEDED_SITE,
        { ...all, filters: JSON.stringify([['is', 'page', ['/pricing']]]), sort: 'events' },
        scorer,
      );
      expect(both.total).toBe(pricing.length);
      const scored = await stats.profiles(SEEDED_SITE, { ...all, filters: JSON.stringify({ source: 'Google' }), sort: 'score' }, scorer);
      expect(scored.total).toBe(google.length);
      expect(scored.profiles.map((p) => p.id).sort()).toEqual(google.map((p) => p.id).sort());
      await expect(stats.profiles(SEEDED_SITE, { filters: '[' }, scorer)).rejects.toMatchObject({ status: 400, code: 'invalid_filter' });
      await expect(stats.profiles(SEEDED_SITE, { start_date: '2024-01-01' }, scorer)).rejects.toMatchObject({
        status: 400,
        code: 'invalid_date_range',
      });
    });

    it('searches by user id and trait value, case-insensitively', async () => {
      const users = (await stats.profiles(SEEDED_SITE, { search: 'USER1', limit: '200' }, scorer)).profiles.map((p) => p.id).sort();
      expect(users.length).toBeGreaterThan(1);
      expect(users).toEqual([...seeded.keys()].filter((id) => id.toLowerCase().includes('user1')).sort());
      const acme = await stats.profiles(PROFILE_SITE, { search: 'acme' }, scorer);
      expect(acme.profiles.map((p) => p.id)).toEqual(['ualice']);
      expect(acme.total).toBe(1);
    });

    it('joins the anonymous page views before identify and the second device into one profile', async () => {
      const list = await stats.profiles(PROFILE_SITE, {}, scorer);
      // alice (a1 before and after identifying, a2), and b1 alone: bob on site Q does not reach P.
      expect(list.profiles.map((p) => [p.id, p.visitor_ids, p.events, p.pageviews, p.sessions])).toEqual([
        ['ualice', 2, 6, 4, 2],
        ['vb1', 1, 1, 1, 1],
      ]);
      const p = await stats.profile({ ...PROFILE_SITE, goals: GOALS }, 'ualice', scorer);
      // s1 viewed /pricing, lasted 3 min and signed in; s2 lasted 1 min and sent identify.
      expect(p.goals).toEqual([
        { id: 'g-pricing', name: 'Pricing', sessions: 1 },
        { id: 'g-long', name: 'Long', sessions: 1 },
        { id: 'g-identify', name: 'Signed in', sessions: 2 },
      ]);
      expect(p).toMatchObject({
        user_id: 'alice',
        first_seen: T0,
        last_seen: T0 + 1441 * 60_000,
        first_source: 'Google',
        last_source: 'Newsletter',
      });
      expect(p.traits).toEqual([
        { key: 'company', value: 'Acme', changed_at: T0 + 2 * 60_000 },
        { key: 'plan', value: 'pro', changed_at: T0 + 1441 * 60_000 },
      ]);
      // Revenue: 25 + 10 − 5 (refund) EUR over two payments; recordings of both devices, not site Q's.
      expect([p.revenue, p.transactions, p.currency]).toEqual([30, 2, 'EUR']);
      expect(p.recordings).toEqual([
        { visitor_id: 'a1', recordings: 2 },
        { visitor_id: 'a2', recordings: 1 },
      ]);
      expect(list.profiles.map((x) => [x.id, x.revenue, x.transactions])).toEqual([
        ['ualice', 30, 2],
        ['vb1', 7, 1],
      ]);
      // Merges: each visitor id identified once, when it first carried the user id (both identify events of a2 are one merge).
      expect(p.merges).toEqual([
        { visitor_id: 'a1', user_id: 'alice', at: T0 + 2 * 60_000, previous_user_id: null },
        { visitor_id: 'a2', user_id: 'alice', at: T0 + 1440 * 60_000, previous_user_id: null },
      ]);
      expect(p.merged_visitor_ids).toEqual([
        { visitor_id: 'a1', first_seen: T0, last_seen: T0 + 3 * 60_000, identified_at: T0 + 2 * 60_000 },
        { visitor_id: 'a2', first_seen: T0 + 1440 * 60_000, last_seen: T0 + 1441 * 60_000, identified_at: T0 + 1440 * 60_000 },
      ]);
      expect(p.devices.map((x) => [x.device, x.browser, x.os, x.sessions]).sort()).toEqual([
        ['desktop', 'Chrome', 'Linux', 1],
        ['mobile', 'Safari', 'iOS', 1],
      ]);
      expect(p.locations.map((x) => x.city).sort()).toEqual(['Berlin', 'Hamburg']);
      // Site Q's events of visitor a1 (as mallory) are not alice's, and mallory is no profile of P.
      await expect(stats.profile(PROFILE_SITE, 'umallory', scorer)).rejects.toMatchObject({ status: 404 });
      await expect(stats.profile(PROFILE_SITE, 'vb1', scorer)).resolves.toMatchObject({ user_id: null, events: 1 });
      await expect(stats.profile(OTHER_SITE, 'ubob', scorer)).resolves.toMatchObject({ visitor_ids: 1 });
    });

    it('gives the timeline: sessions newest first, each with its events in order, paged', async () => {
      const t = await stats.profileTimeline(PROFILE_SITE, 'ualice', { limit: '1', offset: '1' });
      expect(t.total).toBe(2);
      expect(t.sessions.map((s) => [s.session_id, s.visitor_id, s.source])).toEqual([['s1', 'a1', 'Google']]);
      expect(t.sessions[0]!.events.map((e) => [e.name, e.path])).toEqual([
        ['page_view', '/'],
        ['page_view', '/pricing'],
        ['identify', '/'],
        ['page_view', '/app'],
      ]);
      expect(t.sessions[0]!.events[2]!.props).toMatchObject({ plan: 'free' });
      const first = await stats.profileTimeline(PROFILE_SITE, 'ualice', {});
      expect(first.sessions.map((s) => s.session_id)).toEqual(['s2', 's1']);
      // Seeded: every profile's timeline holds exactly its events.
      for (const p of byLastSeen.filter((x) => x.visitor_ids > 1).slice(0, 5)) {
        const tl = await stats.profileTimeline(SEEDED_SITE, p.id, { limit: '50' });
        const want = seeded
          .get(p.id)!
          .list.map((e) => e.ts)
          .sort((a, b) => a - b);
        expect(tl.sessions.flatMap((s) => s.events.map((e) => e.ts)).sort((a, b) => a - b)).toEqual(want);
        expect(tl.total).toBe(p.sessions);
        const onPricing = new Set(
          seeded
            .get(p.id)!
            .list.filter((e) => e.name === 'page_view' && e.path === '/pricing')
            .map((e) => `${e.session_id}|${e.visitor_id}`),
        );
        const detail = await stats.profile({ ...SEEDED_SITE, goals: GOALS.slice(0, 1) }, p.id, scorer);
        expect(detail.goals).toEqual([{ id: 'g-pricing', name: 'Pricing', sessions: onPricing.size }]);
        expect([detail.sessions, detail.events, detail.pageviews]).toEqual([p.sessions, p.events, p.pageviews]);
        expect(detail.merges).toEqual(mergeOracle(seededEvents, seeded.get(p.id)!.list));
        expect([detail.revenue, detail.transactions]).toEqual([p.revenue, p.transactions]);
      }
    });

    it('takes in late events and re-identification: merges are derived, never stale', async () => {
      const MIN = 60_000;
      const [a1] = all.filter((e) => e.site_id === PROFILE_SITE.id && e.visitor_id === 'a1');
      const late = (n: number, o: Partial<typeof a1>) => ({
        ...a1!,
        event_id: `00000000-0000-4000-c000-${String(n).padStart(12, '0')}`,
        ...o,
      });
      await store.write({
        events: [
          // a1's anonymous visit of the day before, received only now.
          late(1, {
            session_id: 's0',
            ts: T0 - 1440 * MIN,
            received_at: T0 + 2000 * MIN,
            path: '/old',
            source: '',
            user_id: '',
            props: {},
          }),
          // r1 signs in as carol, later as dave: its anonymous events go to dave, carol keeps hers.
          late(2, { visitor_id: 'r1', session_id: 'r', ts: T0 + 100 * MIN, path: '/r', user_id: '', props: {} }),
          late(3, { visitor_id: 'r1', session_id: 'r', ts: T0 + 101 * MIN, name: 'identify', user_id: 'carol', props: {} }),
          late(4, { visitor_id: 'r1', session_id: 'r', ts: T0 + 102 * MIN, name: 'identify', user_id: 'dave', props: {} }),
        ],
        raw: [],
        quarantine: [],
        drops: [],
      });
      const alice = await stats.profile(PROFILE_SITE, 'ualice', scorer);
      expect([alice.first_seen, alice.events, alice.sessions, alice.first_source]).toEqual([T0 - 1440 * MIN, 7, 3, '']);
      expect((await stats.profile(PROFILE_SITE, 'ucarol', scorer)).events).toBe(1);
      const dave = await stats.profile(PROFILE_SITE, 'udave', scorer);
      expect(dave.events).toBe(2);
      // Re-identification is recorded in order, on both people the visitor id belongs to.
      const r1 = [
        { visitor_id: 'r1', user_id: 'carol', at: T0 + 101 * MIN, previous_user_id: null },
        { visitor_id: 'r1', user_id: 'dave', at: T0 + 102 * MIN, previous_user_id: 'carol' },
      ];
      expect(dave.merges).toEqual(r1);
      expect((await stats.profile(PROFILE_SITE, 'ucarol', scorer)).merges).toEqual(r1);
      // The same identify again changes nothing (idempotent); a late one from before moves the merge back.
      await store.write({
        events: [
          late(5, { visitor_id: 'r1', session_id: 'r', ts: T0 + 103 * MIN, name: 'identify', user_id: 'dave', props: {} }),
          late(6, {
            visitor_id: 'a2',
            session_id: 's2',
            ts: T0 + 1439 * MIN,
            received_at: T0 + 3000 * MIN,
            name: 'identify',
            user_id: 'alice',
            props: {},
          }),
        ],
        raw: [],
        quarantine: [],
        drops: [],
      });
      expect((await stats.profile(PROFILE_SITE, 'udave', scorer)).merges).toEqual(r1);
      expect((await stats.profile(PROFILE_SITE, 'ualice', scorer)).merges).toEqual([
        { visitor_id: 'a1', user_id: 'alice', at: T0 + 2 * MIN, previous_user_id: null },
        { visitor_id: 'a2', user_id: 'alice', at: T0 + 1439 * MIN, previous_user_id: null },
      ]);
      await expect(stats.profile(PROFILE_SITE, 'vr1', scorer)).rejects.toMatchObject({ status: 404 });
    });

    it('refuses bad input with a 400', async () => {
      await expect(stats.profiles(PROFILE_SITE, { sort: 'money' }, scorer)).rejects.toMatchObject({ status: 400, code: 'invalid_sort' });
      await expect(stats.profiles(PROFILE_SITE, { limit: '0' }, scorer)).rejects.toMatchObject({ status: 400 });
      await expect(stats.profiles(PROFILE_SITE, { nope: '1' }, scorer)).rejects.toMatchObject({ status: 400, code: 'unknown_parameter' });
      await expect(stats.profile(PROFILE_SITE, 'xalice', scorer)).rejects.toMatchObject({ status: 400, code: 'invalid_profile' });
    });
  });
}
