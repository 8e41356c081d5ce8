import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SCORING_RULES,
  scoreBucketOf,
  SEGMENT_K_MAX,
  SEGMENT_K_MIN,
  emptyEvent,
  type CanonicalEvent,
  type GoalDefinition,
} from '@tidemark/core';
import { generateSegmentPeople, SEGMENT_ARCHETYPES } from '@tidemark/testkit';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { rulesScorer } from '../src/scoring';
import { labelSite, scheduleSegments, SegmentService, type SegmentDeps } from '../src/segments';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';

/**
 * Behavioural segments (segments/) on one engine: people generated from 10 hidden archetypes
 * (testkit segment-people.ts) are segmented through the service; the recovered segments are compared
 * with the hidden ones by the adjusted Rand index computed here; k is in 8–12 by the silhouette;
 * re-training keeps ids; the person labels and the stats engine's `segment` and `score` dimensions
 * equal a plain computation here from the events and the labels.
 */
const NOW = Date.parse('2024-06-01T00:00:00Z');
const SIGNUP: GoalDefinition = { id: 'g-signup', name: 'Signed up', type: 'event', match: { event_name: 'signup' } };

/** Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same items. */
export function adjustedRandIndex(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const table = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  a.forEach((x, i) => {
    const k = `${x}\u0000${b[i]}`;
    table.set(k, (table.get(k) ?? 0) + 1);
    rows.set(String(x), (rows.get(String(x)) ?? 0) + 1);
    cols.set(String(b[i]), (cols.get(String(b[i])) ?? 0) + 1);
  });
  const index = [...table.values()].reduce((s, n) => s + pairs(n), 0);
  const sumA = [...rows.values()].reduce((s, n) => s + pairs(n), 0);
  const sumB = [...cols.values()].reduce((s, n) => s + pairs(n), 0);
  const expected = (sumA * sumB) / pairs(a.length);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

export function runSegmentsSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`behavioural segments on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    let h: MetaEngineHandle;
    let deps: SegmentDeps;
    let service: SegmentService;
    let site: { id: string; timezone: string; goals: GoalDefinition[] };
    let people: ReturnType<typeof generateSegmentPeople>;
    const scorer = rulesScorer(DEFAULT_SCORING_RULES, [SIGNUP], NOW);

    beforeAll(async () => {
      h = await openTestMeta('sqlite');
      const org = await h.meta.orgs.create('Segments Inc');
      const s = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example' });
      site = { id: s.id, timezone: 'UTC', goals: [SIGNUP] };
      people = generateSegmentPeople({ siteId: s.id, now: NOW, perArchetype: 30 });
      store = await makeStore();
      await store.write({ events: people.events, raw: [], quarantine: [], drops: [] });
      stats = new StatsService(store, { sharedResultsMs: 0, now: () => NOW });
      deps = {
        meta: h.meta,
        stats,
        events: store,
        scorer: async () => scorer,
        keyPages: async () => DEFAULT_SCORING_RULES.key_pages,
        now: () => NOW,
      };
      service = new SegmentService(deps);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      await h?.cleanup();
    });

    /** Each person's segment id from the person labels (one row per visitor id; a person's rows agree). */
    async function labelsByPerson(): Promise<Map<string, { segment: string; score: number }>> {
      const rows = await store.query<{ visitor_id: string; profile_id: string; score: number; segment_id: string }>(
        'SELECT visitor_id, profile_id, score, segment_id FROM person_labels WHERE site_id = ? ORDER BY visitor_id',
        [site.id],
      );
      const out = new Map<string, { segment: string; score: number }>();
      for (const r of rows) {
        const cur = { segment: String(r.segment_id), score: Number(r.score) };
        const before = out.get(String(r.profile_id));
        if (before) expect(before).toEqual(cur);
        out.set(String(r.profile_id), cur);
      }
      return out;
    }

    let firstIds: Map<number, string>;

    it('recovers the hidden segments (adjusted Rand index ≥ 0.7), k in 8–12 by the silhouette', async () => {
      const result = await service.train(site);
      expect(result.status).toBe('trained');
      expect(result.k).toBeGreaterThanOrEqual(SEGMENT_K_MIN);
      expect(result.k).toBeLessThanOrEqual(SEGMENT_K_MAX);
      expect(result.people).toBe(people.truth.size);
      const model = (await service.model(site.id))!;
      // The criterion: the chosen k has the highest mean silhouette of those tried (8–12).
      const tried = Object.entries(model.silhouettes);
      expect(tried.map(([k]) => Number(k))).toEqual([8, 9, 10, 11, 12]);
      const best = tried.reduce((a, b) => (b[1] > a[1] ? b : a));
      expect(Number(best[0])).toBe(result.k);
      expect(result.silhouette).toBeCloseTo(best[1], 3);

      const run = await labelSite(deps, site);
      expect(run.people).toBe(people.truth.size);
      const labels = await labelsByPerson();
      const ids = [...people.truth.keys()];
      const ari = adjustedRandIndex(
        ids.map((id) => people.truth.get(id)!),
        ids.map((id) => labels.get(id)!.segment),
      );
      console.info(`[segments ${engine}] k = ${result.k}, silhouette ${result.silhouette}, adjusted Rand index ${ari.toFixed(3)}`);
      expect(ari).toBeGreaterThanOrEqual(0.7);

      // Sizes, conversion and revenue per segment: counted here from the labels and the events.
      const signedUp = new Set(people.events.filter((e) => e.name === 'signup').map((e) => `u${e.user_id}`));
      for (const s of result.segments) {
        const members = ids.filter((id) => labels.get(id)!.segment === s.id);
        expect(s.people).toBe(members.length);
        expect(s.converted).toBe(members.filter((id) => signedUp.has(id)).length);
        expect(s.revenue).toBe(0);
        expect(s.features.length).toBe(3);
      }
      expect(new Set(result.segments.map((s) => s.name)).size).toBe(result.segments.length);
      // The converters' archetype is named from what sets it apart.
      const conv = SEGMENT_ARCHETYPES.findIndex((a) => a.name === 'converters');
      const convSegment = majority(ids.filter((id) => people.truth.get(id) === conv).map((id) => labels.get(id)!.segment));
      expect(result.segments.find((s) => s.id === convSegment)!.conversion_rate).toBeGreaterThan(0.8);
      firstIds = new Map(
        SEGMENT_ARCHETYPES.map((_, g) => [
          g,
          majority(ids.filter((id) => people.truth.get(id) === g).map((id) => labels.get(id)!.segment)),
        ]),
      );
    }, 180_000);

    it('keeps segment ids and names when trained again (other starts, more people)', async () => {
      const before = await service.list(site.id);
      const more = generateSegmentPeople({ siteId: site.id, now: NOW, perArchetype: 5, seed: 'more-people' });
      // New people under new visitor ids.
      const renamed = more.events.map((e) => ({
        ...e,
        event_id: e.event_id.replace('e000', 'e001'),
        visitor_id: `more-${e.visitor_id}`,
        user_id: e.user_id ? `more-${e.user_id}` : '',
      }));
      await store.write({ events: renamed, raw: [], quarantine: [], drops: [] });
      const again = new SegmentService({ ...deps, train: { seed: 7 } });
      const result = await again.train(site);
      await labelSite(deps, site);
      const labels = await labelsByPerson();
      const ids = [...people.truth.keys()];
      let kept = 0;
      for (const [g, id] of firstIds) {
        const now = majority(ids.filter((p) => people.truth.get(p) === g).map((p) => labels.get(p)!.segment));
        if (now === id) kept++;
      }
      expect(kept).toBeGreaterThanOrEqual(SEGMENT_ARCHETYPES.length - 1);
      const names = new Map(before.segments.map((s) => [s.id, s.name]));
      for (const s of result.segments) if (names.has(s.id)) expect(s.name).toBe(names.get(s.id));
    }, 180_000);

    it('labels incrementally: only people with events received since the last run', async () => {
      const first = [...people.truth.keys()][0]!;
      const e = people.events.find((x) => (x.user_id ? `u${x.user_id}` : `v${x.visitor_id}`) === first)!;
      const later = NOW + 60 * 60_000;
      const fresh: CanonicalEvent = {
        ...e,
        event_id: '00000000-0000-4000-e002-000000000001',
        ts: later,
        received_at: later,
        session_id: 'late',
      };
      const idle = await labelSite({ ...deps, now: () => NOW + 2 * 60_000 }, site);
      expect(idle.people).toBe(0);
      await store.write({ events: [fresh], raw: [], quarantine: [], drops: [] });
      const run = await labelSite({ ...deps, now: () => later + 2 * 60_000 }, site);
      expect(run.people).toBe(1);
    }, 60_000);

    it('profiles carry the segment the labels give; scores equal the profile read model', async () => {
      const labels = await labelsByPerson();
      const scorer2 = await service.profileScorer(site, scorer);
      const list = await stats.profiles(site, { limit: '200', sort: 'events' }, scorer2);
      expect(list.profiles.length).toBe(200);
      for (const p of list.profiles) {
        const l = labels.get(p.id)!;
        expect(p.segment?.id).toBe(l.segment);
        expect(p.score).toBe(l.score);
      }
      const one = await stats.profile(site, list.profiles[0]!.id, scorer2);
      expect(one.segment).toEqual(list.profiles[0]!.segment);
    }, 60_000);

    it('the scheduled jobs train and label every site, each run reported', async () => {
      const runs: string[] = [];
      const errors: unknown[] = [];
      // The jobs' clock: ten minutes on.
      const later = { ...deps, now: () => NOW + 10 * 60_000 };
      const stop = scheduleSegments(new SegmentService(later), later, {
        statsSite: async () => site,
        onError: (err) => errors.push(err),
        track: async (job, run) => {
          const r = await run();
          runs.push(job);
          return r;
        },
        labelsFirstMs: 1,
        trainFirstMs: 1,
      });
      try {
        await expect.poll(() => runs.slice().sort(), { timeout: 60_000 }).toEqual(['person-labels', 'segments-train']);
      } finally {
        stop();
      }
      expect(errors).toEqual([]);
      expect(await h.meta.segmentModels.get(site.id)).toMatchObject({ status: 'trained', trained_at: NOW + 10 * 60_000 });
    }, 90_000);

    it('segment and score as stats dimensions and filters equal a count over the events and the labels', async () => {
      const rows = await store.query<{ visitor_id: string; score: number; segment_id: string }>(
        'SELECT visitor_id, profile_id, score, segment_id FROM person_labels WHERE site_id = ?',
        [site.id],
      );
      const label = new Map(
        rows.map((r) => [String(r.visitor_id), { segment: String(r.segment_id), bucket: scoreBucketOf(Number(r.score)) }]),
      );
      const stored = (await store.query<Record<string, unknown>>('SELECT visitor_id, name, ts FROM events WHERE site_id = ?', [site.id]))
        .length;
      expect(stored).toBeGreaterThan(1000);
      const all = await allEvents();
      const inPeriod = all.filter((e) => e.ts >= Date.parse('2024-03-01T00:00:00Z') && e.ts < NOW);
      const count = (key: (e: CanonicalEvent) => string) => {
        const m = new Map<string, { visitors: Set<string>; pageviews: number }>();
        for (const e of inPeriod) {
          const k = key(e);
          const cur = m.get(k) ?? { visitors: new Set(), pageviews: 0 };
          cur.visitors.add(e.visitor_id);
          if (e.name === 'page_view') cur.pageviews++;
          m.set(k, cur);
        }
        return m;
      };
      const q = (extra: Record<string, string>) =>
        stats.dashboard(site, {
          period: 'custom',
          start_date: '2024-03-01',
          end_date: '2024-05-31',
          metrics: 'visitors,pageviews',
          ...extra,
        });
      for (const dim of ['segment', 'score'] as const) {
        const want = count((e) => (dim === 'segment' ? label.get(e.visitor_id)?.segment : label.get(e.visitor_id)?.bucket) ?? '');
        const got = await q({ dimensions: dim, limit: '100' });
        const rowsOf = (got.dimensions as unknown as Record<string, Array<Record<string, unknown>>>)[
          dim === 'segment' ? 'segments' : 'scores'
        ]!;
        expect(new Map(rowsOf.map((r) => [String(r.name), [Number(r.visitors), Number(r.pageviews)]]))).toEqual(
          new Map([...want].map(([k, v]) => [k, [v.visitors.size, v.pageviews]])),
        );
      }
      // Filters: one segment; two score buckets.
      const seg = rows[0]!.segment_id;
      const f1 = await q({ filters: JSON.stringify([['is', 'segment', [seg]]]) });
      const w1 = count((e) => (label.get(e.visitor_id)?.segment === seg ? 'in' : 'out')).get('in')!;
      expect([f1.metrics.visitors?.value, f1.metrics.pageviews?.value]).toEqual([w1.visitors.size, w1.pageviews]);
      const f2 = await q({ filters: JSON.stringify([['is', 'score', ['20-39', '40-59']]]) });
      const w2 = count((e) => (['20-39', '40-59'].includes(label.get(e.visitor_id)?.bucket ?? '') ? 'in' : 'out')).get('in')!;
      expect([f2.metrics.visitors?.value, f2.metrics.pageviews?.value]).toEqual([w2.visitors.size, w2.pageviews]);
      // Counted as people (the person rule replaces visitor ids after the labels are joined).
      const profileOf = new Map(rows.map((r) => [String(r.visitor_id), String((r as Record<string, unknown>).profile_id)]));
      const people = await q({ dimensions: 'segment', unit: 'people', metrics: 'visitors', limit: '100' });
      const wantPeople = new Map<string, Set<string>>();
      for (const e of inPeriod) {
        const k = label.get(e.visitor_id)?.segment ?? '';
        wantPeople.set(k, (wantPeople.get(k) ?? new Set()).add(profileOf.get(e.visitor_id) ?? e.visitor_id));
      }
      const peopleRows = (people.dimensions as unknown as Record<string, Array<Record<string, unknown>>>).segments!;
      expect(new Map(peopleRows.map((r) => [String(r.name), Number(r.visitors)]))).toEqual(
        new Map([...wantPeople].map(([k, v]) => [k, v.size])),
      );
      // Page-view metrics are read apart from event rows: refused, not wrong.
      await expect(q({ dimensions: 'segment', metrics: 'avg_time' })).rejects.toMatchObject({ status: 400 });
    }, 120_000);

    /** Every event written to the store in this suite, as the test wrote them. */
    async function allEvents(): Promise<CanonicalEvent[]> {
      const more = generateSegmentPeople({ siteId: site.id, now: NOW, perArchetype: 5, seed: 'more-people' }).events.map((e) => ({
        ...e,
        visitor_id: `more-${e.visitor_id}`,
      }));
      const first = [...people.truth.keys()][0]!;
      const e = people.events.find((x) => (x.user_id ? `u${x.user_id}` : `v${x.visitor_id}`) === first)!;
      return [...people.events, ...more, { ...e, ts: NOW + 60 * 60_000 }];
    }

    it("counts a person's sessions as the profile does: a session id within a visitor id", async () => {
      // One person on two devices whose session ids happen to be equal (on another site of the same store).
      const other = { id: 'shared-session-site', timezone: 'UTC', goals: [SIGNUP] };
      const view = (id: string, visitor: string, at: number): CanonicalEvent => ({
        ...emptyEvent({ event_id: id, site_id: other.id, ts: at, received_at: at, name: 'page_view' }),
        visitor_id: visitor,
        session_id: 'same-session',
        user_id: 'two-devices',
        path: '/',
      });
      const events = [
        view(crypto.randomUUID(), 'v-laptop', NOW - 3_600_000),
        view(crypto.randomUUID(), 'v-phone', NOW - 1_800_000),
        view(crypto.randomUUID(), 'v-phone', NOW - 1_700_000),
      ];
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      const rows = await stats.peopleFeatures(other, scorer);
      expect(rows.map((r) => r.pid)).toEqual(['utwo-devices']);
      // Independently: the distinct (visitor id, session id) pairs of the person's events.
      expect(rows[0]!.features.sessions).toBe(new Set(events.map((e) => `${e.visitor_id}|${e.session_id}`)).size);
      expect((await stats.profile(other, 'utwo-devices', scorer)).sessions).toBe(rows[0]!.features.sessions);
    });
  });
}

function majority(xs: string[]): string {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}
