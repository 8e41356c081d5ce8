import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent, Paths } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService, type StatsServiceOptions } from '../src/stats';
import { FUNNEL_NOW, PERIOD, RANDOM_SITE, randomEvents, RANGE } from './helpers/funnel-fixture';
import { lateEarlier, lateLater, pathCases, PATHS_LATE_SITE, PATHS_OTHER_SITE, PATHS_SITE } from './helpers/paths-fixture';
import { answerCounts, pathCounts, visitorPaths, type PathsOracleOptions } from './helpers/paths-oracle';

export interface PathsEngineOptions {
  /** Builds derived data (a rollup) over what is stored; returns what the stats service needs to read it. */
  derive?(store: EventStore): Promise<Partial<StatsServiceOptions>>;
  /** Closes what `derive` opened (before the store closes). */
  release?(): Promise<void>;
}

/**
 * Paths (stats/paths/) on one engine: hand-worked answers for the written visits, and every number of
 * random traffic's answers against the oracle's plain computation. Each engine's test file runs it;
 * with `derive` the answers come from the engine's derived data plus the events received after it.
 */
export function runPathsSuite(engine: string, makeStore: () => Promise<EventStore>, opts: PathsEngineOptions = {}): void {
  describe(`paths on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const cases = pathCases();
    const random = randomEvents('paths');

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events: [...cases, ...random, ...lateEarlier()], raw: [], quarantine: [], drops: [] });
      const derived = (await opts.derive?.(store)) ?? {};
      stats = new StatsService(store, { now: () => FUNNEL_NOW, sharedResultsMs: 0, ...derived });
    });
    afterAll(async () => {
      await opts.release?.();
      await store?.close();
    });

    const period = { period: 'custom', start_date: PERIOD.start, end_date: PERIOD.end };
    const paths = (site: { id: string; timezone: string }, extra: Record<string, string> = {}) =>
      stats.paths(site, { ...period, ...extra });
    function expectOracle(got: Paths, events: CanonicalEvent[], o: Omit<PathsOracleOptions, 'range'>) {
      const want = pathCounts(visitorPaths(events, { range: RANGE, ...o }), o.depth);
      const have = answerCounts(got);
      expect(have.nodes).toEqual(want.nodes);
      expect(have.links).toEqual(want.links);
      expect(have.dropOff).toEqual(want.dropOff);
      expect(got.visitors).toBe([...(want.nodes.get(1)?.values() ?? [])].reduce((a, b) => a + b, 0));
    }
    const siteEvents = (site: string) => [...cases, ...random].filter((e) => e.site_id === site);

    it('walks from the entry page, collapsing repeats, each visitor once (hand-worked)', async () => {
      const got = await paths(PATHS_SITE);
      expect(got.anchor).toEqual({ position: 'start', kind: 'entry', name: null });
      expect(got.direction).toBe('forward');
      expect(got.depth).toBe(5);
      // A, B, C (its first session), F, H, I; D's session started before the period, E's after it.
      expect(got.visitors).toBe(6);
      expect(got.steps).toEqual([
        { step: 1, visitors: 6, drop_off: 0, drop_off_rate: 0 },
        { step: 2, visitors: 6, drop_off: 3, drop_off_rate: 50 },
        { step: 3, visitors: 3, drop_off: 0, drop_off_rate: 0 },
        { step: 4, visitors: 3, drop_off: 2, drop_off_rate: 66.7 },
        // H goes on to /e: not a drop-off at the last step shown.
        { step: 5, visitors: 1, drop_off: 0, drop_off_rate: 0 },
      ]);
      const node = (step: number, name: string) => got.nodes.find((n) => n.step === step && n.name === name);
      expect(node(1, '/')).toMatchObject({ kind: 'page', visitors: 5, drop_off: 0 });
      expect(node(2, '/pricing')).toMatchObject({ visitors: 3, drop_off: 2 });
      expect(node(3, '/')).toMatchObject({ visitors: 1 });
      expect(node(4, '/done')).toMatchObject({ visitors: 1, drop_off: 1 });
      const link = (a: string, b: string) => got.links.find((l) => l.source === a && l.target === b)?.visitors;
      expect(link(node(1, '/')!.id, node(2, '/pricing')!.id)).toBe(2);
      expect(link(node(1, '/blog')!.id, node(2, '/pricing')!.id)).toBe(1);
      expect(got.nodes.some((n) => n.name === '/secret' || n.name === 'signup_completed')).toBe(false);
      expectOracle(got, siteEvents(PATHS_SITE.id), { anchor: { position: 'start', label: null }, events: false, depth: 5 });
    });

    it('starts at a chosen page, up to the depth', async () => {
      const got = await paths(PATHS_SITE, { start_page: '/', depth: '3' });
      // A B C(second session) F H I; D's / is before the period.
      expect(got.visitors).toBe(6);
      expect(got.steps.map((s) => s.visitors)).toEqual([6, 6, 3]);
      expect(got.nodes.filter((n) => n.step === 2).map((n) => [n.name, n.visitors])).toEqual([
        ['/pricing', 2],
        ['/a', 1],
        ['/blog', 1],
        ['/signup', 1],
        ['/x', 1],
      ]);
      expectOracle(got, siteEvents(PATHS_SITE.id), { anchor: { position: 'start', label: 'p/' }, events: false, depth: 3 });
    });

    it('ends at a page or event: the steps before it, step 1 being the anchor', async () => {
      const got = await paths(PATHS_SITE, { end_page: '/pricing' });
      expect(got.direction).toBe('backward');
      // A B C D F; D's /pricing is in the period and its / before it counts as the step before.
      expect(got.visitors).toBe(5);
      expect(got.nodes.filter((n) => n.step === 2).map((n) => [n.name, n.visitors])).toEqual([
        ['/', 4],
        ['/blog', 1],
      ]);
      expectOracle(got, siteEvents(PATHS_SITE.id), { anchor: { position: 'end', label: 'p/pricing' }, events: false, depth: 5 });
      const conv = await paths(PATHS_SITE, { end_event: 'signup_completed' });
      expect(conv.nodes.map((n) => [n.step, n.kind, n.name])).toEqual([
        [1, 'event', 'signup_completed'],
        [2, 'page', '/signup'],
        [3, 'page', '/pricing'],
        [4, 'page', '/'],
      ]);
    });

    it('takes interactive events as steps when asked, never passive ones', async () => {
      const got = await paths(PATHS_SITE, { events: 'true' });
      const f = got.nodes.filter((n) => n.kind === 'event').map((n) => [n.step, n.name]);
      expect(f).toEqual(expect.arrayContaining([[3, 'cta_click']]));
      expect(got.nodes.some((n) => n.name === 'scroll_depth' || n.name === 'page_exit')).toBe(false);
      expectOracle(got, siteEvents(PATHS_SITE.id), { anchor: { position: 'start', label: null }, events: true, depth: 5 });
    });

    it('agrees with the oracle on random traffic for every anchor and depth', async () => {
      const ev = siteEvents(RANDOM_SITE.id);
      const cases: Array<[Record<string, string>, Omit<PathsOracleOptions, 'range'>]> = [
        [{ nodes_per_step: '25' }, { anchor: { position: 'start', label: null }, events: false, depth: 5 }],
        [
          { start_page: '/pricing', depth: '4', nodes_per_step: '25' },
          { anchor: { position: 'start', label: 'p/pricing' }, events: false, depth: 4 },
        ],
        [
          { end_event: 'signup_completed', nodes_per_step: '25' },
          { anchor: { position: 'end', label: 'esignup_completed' }, events: true, depth: 5 },
        ],
        [
          { events: 'true', depth: '7', nodes_per_step: '25' },
          { anchor: { position: 'start', label: null }, events: true, depth: 7 },
        ],
        [
          { end_page: '/signup', depth: '2', nodes_per_step: '25' },
          { anchor: { position: 'end', label: 'p/signup' }, events: false, depth: 2 },
        ],
      ];
      for (const [params, o] of cases) expectOracle(await paths(RANDOM_SITE, params), ev, o);
    });

    it('applies the filters to the sessions', async () => {
      const filters = JSON.stringify([['is', 'country', ['DE']]]);
      const got = await paths(RANDOM_SITE, { filters, nodes_per_step: '25' });
      const ev = siteEvents(RANDOM_SITE.id);
      // A session's country is its first event's (all events of a random visitor share it).
      const firsts = new Map<string, CanonicalEvent>();
      for (const e of [...ev].sort((a, b) => a.ts - b.ts))
        if (!firsts.has(`${e.visitor_id}|${e.session_id}`)) firsts.set(`${e.visitor_id}|${e.session_id}`, e);
      const sessions = new Set([...firsts].filter(([, e]) => e.country === 'DE').map(([k]) => k));
      expect(sessions.size).toBeGreaterThan(0);
      expectOracle(got, ev, { anchor: { position: 'start', label: null }, events: false, depth: 5, sessions });
      const hand = await paths(PATHS_SITE, { filters });
      expect(hand.visitors).toBe(1); // B
    });

    it('groups the smaller values of a step as "(other)", keeping every count', async () => {
      const all = await paths(RANDOM_SITE, { nodes_per_step: '25' });
      const two = await paths(RANDOM_SITE, { nodes_per_step: '2' });
      expect(two.steps).toEqual(all.steps);
      for (const s of all.steps) {
        const full = all.nodes.filter((n) => n.step === s.step);
        const cut = two.nodes.filter((n) => n.step === s.step);
        expect(cut.filter((n) => n.kind !== 'other').map((n) => n.name)).toEqual(full.slice(0, 2).map((n) => n.name));
        const other = cut.find((n) => n.kind === 'other');
        expect(other?.visitors ?? 0).toBe(full.slice(2).reduce((a, n) => a + n.visitors, 0));
      }
      const into = (p: Paths, step: number) =>
        p.links.filter((l) => p.nodes.find((n) => n.id === l.target)!.step === step).reduce((a, l) => a + l.visitors, 0);
      expect(into(two, 2)).toBe(into(all, 2));
    });

    it('lists the next and previous steps of a page', async () => {
      const got = await stats.pageNeighbours(PATHS_SITE, { ...period, page: '/pricing' });
      expect(got.visitors).toBe(5);
      expect(got.next).toEqual([
        { kind: 'exit', name: '(exit)', visitors: 4, share: 80 },
        { kind: 'page', name: '/signup', visitors: 1, share: 20 },
      ]);
      expect(got.previous).toEqual([
        { kind: 'page', name: '/', visitors: 4, share: 80 },
        { kind: 'page', name: '/blog', visitors: 1, share: 20 },
      ]);
      const withEvents = await stats.pageNeighbours(PATHS_SITE, { ...period, page: '/pricing', events: 'true' });
      expect(withEvents.next).toContainEqual({ kind: 'event', name: 'cta_click', visitors: 1, share: 20 });
    });

    it('sees no other site, and refuses bad parameters with coded 400s', async () => {
      // The other site sees its own visit only (the same visitor id there is another visitor).
      const other = await paths(PATHS_OTHER_SITE, {});
      expect(other.nodes.map((n) => [n.step, n.name, n.visitors])).toEqual([
        [1, '/', 1],
        [2, '/secret', 1],
      ]);
      await expect(paths(PATHS_SITE, { start_page: '/', end_page: '/x' })).rejects.toMatchObject({ code: 'invalid_anchor' });
      await expect(paths(PATHS_SITE, { depth: '11' })).rejects.toMatchObject({ code: 'invalid_depth' });
      await expect(paths(PATHS_SITE, { start_page: 'pricing' })).rejects.toMatchObject({ code: 'invalid_start_page' });
      await expect(paths(PATHS_SITE, { bogus: '1' })).rejects.toMatchObject({ code: 'unknown_parameter' });
      await expect(paths(PATHS_SITE, { start_page: "/' OR 1=1 --" })).resolves.toMatchObject({ visitors: 0 });
    });

    it('counts sessions whose events arrive in parts, late, or reach past the steps read (oracle)', async () => {
      const later = lateLater(FUNNEL_NOW - 60_000);
      await store.write({ events: later, raw: [], quarantine: [], drops: [] });
      const ev = [...lateEarlier(), ...later];
      const range = { startMs: Date.parse('2024-03-01T00:00:00Z'), endMs: Date.parse('2024-03-03T00:00:00Z') };
      const check = async (params: Record<string, string>, o: Omit<PathsOracleOptions, 'range'>) => {
        const got = await paths(PATHS_LATE_SITE, { ...params, nodes_per_step: '25' });
        const want = pathCounts(visitorPaths(ev, { range, ...o }), o.depth);
        expect(answerCounts(got)).toEqual(want);
        return got;
      };
      const entry = await check({}, { anchor: { position: 'start', label: null }, events: false, depth: 5 });
      // Worked by hand: l1 / → /a → /b → /a; l2 / → /x → /y; l3 / → /b (its /old is before the steps read);
      // l4 / → /c; l5 / → /a → /b; l6 /p → /q.
      expect(entry.steps.map((x) => x.visitors)).toEqual([6, 6, 3, 1]);
      expect(entry.nodes.filter((n) => n.step === 1).map((n) => [n.name, n.visitors])).toEqual([
        ['/', 5],
        ['/p', 1],
      ]);
      await check({ start_page: '/a', depth: '3' }, { anchor: { position: 'start', label: 'p/a' }, events: false, depth: 3 });
      await check({ end_page: '/b' }, { anchor: { position: 'end', label: 'p/b' }, events: false, depth: 5 });
      await check({ end_page: '/y', depth: '2' }, { anchor: { position: 'end', label: 'p/y' }, events: false, depth: 2 });
      const around = await stats.pageNeighbours(PATHS_LATE_SITE, { ...period, page: '/b' });
      expect(around.next).toEqual([
        { kind: 'exit', name: '(exit)', visitors: 2, share: 66.7 },
        { kind: 'page', name: '/a', visitors: 1, share: 33.3 },
      ]);
    });
  });
}
