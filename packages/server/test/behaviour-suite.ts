import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, VITALS, type HeatmapReport } from '@tidemark/core';
import { StatsService, startOfLocalDay } from '../src/stats';
import type { SiteRecord } from '../src/meta';
import type { EventStore } from '../src/store';
import { BehaviourService } from '../src/behaviour';
import {
  BH_FIRST_DAY,
  BH_NOW,
  BH_OTHER,
  BH_PAGES,
  BH_SITE,
  behaviourFixture,
  refElements,
  refFrustration,
  refPoints,
  refScroll,
  quantile,
  vitalsFixture,
  errorsFixture,
  type RefQuery,
} from './helpers/behaviour-fixture';
import { testSite } from './helpers/ingest';

const DAY = 86_400_000;
const byXY = (a: { x: number; y: number }, b: { x: number; y: number }) => a.y - b.y || a.x - b.x;
const bySelector = (a: { selector: string }, b: { selector: string }) => (a.selector < b.selector ? -1 : 1);

/**
 * The heatmap grid and reports (behaviour/) on one engine: every number compared with the reference
 * computation over the fixture samples (helpers/behaviour-fixture.ts), first from the raw samples only,
 * then with most days read from the grid the job built, which must not change a single number.
 */
export function runBehaviourSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`heatmaps and frustration on ${engine}`, () => {
    let store: EventStore;
    let service: BehaviourService;
    const events = [...behaviourFixture(), ...vitalsFixture(), ...errorsFixture()];
    const site: SiteRecord = testSite({ id: BH_SITE });
    const last7 = { fromMs: BH_FIRST_DAY + 3 * DAY, toMs: BH_FIRST_DAY + 10 * DAY };
    const custom = { period: 'custom', start_date: '2026-03-02', end_date: '2026-03-10' };
    const customRange = { fromMs: BH_FIRST_DAY + DAY, toMs: BH_FIRST_DAY + 10 * DAY };

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      service = new BehaviourService(store);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    const expectReport = async (q: Omit<RefQuery, 'site'>, params: Record<string, string>, as: SiteRecord = site) => {
      const ref: RefQuery = { site: BH_SITE, ...q };
      const base = { page_url: `https://example.com${q.path}?utm_source=x`, viewport: q.viewport, ...params };
      const clicks = await service.heatmap(as, { ...base, type: 'click' }, BH_NOW);
      const expected = refPoints(events, ref, 'heatmap_click');
      expect(expected.length).toBeGreaterThan(3);
      expect([...clicks.data.clicks!].sort(byXY)).toEqual(expected.sort(byXY));
      expect(clicks.totals.clicks).toBe(expected.reduce((s, p) => s + p.count, 0));
      const moves: HeatmapReport = await service.heatmap(as, { ...base, type: 'move' }, BH_NOW);
      expect([...moves.data.moves!].sort(byXY)).toEqual(refPoints(events, ref, 'heatmap_move').sort(byXY));
      const scroll = await service.heatmap(as, { ...base, type: 'scroll' }, BH_NOW);
      expect(scroll.data.scroll).toEqual(refScroll(events, ref));
      expect([...clicks.top_elements].sort(bySelector)).toEqual(refElements(events, ref).sort(bySelector));
      expect(clicks.page_url).toBe(q.path);
    };

    it('answers from the raw samples, per page, viewport class and period', async () => {
      for (const path of BH_PAGES)
        for (const viewport of ['desktop', 'tablet', 'mobile']) await expectReport({ path, viewport, ...last7 }, { period: 'last_7_days' });
      await expectReport({ path: '/pricing', viewport: 'desktop', ...customRange }, custom);
    }, 120_000);

    it('reads the same numbers once the grid job has built the settled days', async () => {
      const days = await service.buildRecent([site, { id: BH_OTHER, timezone: 'UTC', retention_days: 0 }], BH_NOW);
      expect(days).toBe(14); // seven days back from yesterday, per site
      const [{ n } = { n: 0 }] = await store.query<{ n: number }>(
        "SELECT count(*) AS n FROM heatmap_cells WHERE site_id = ? AND kind = 'day'",
        [BH_SITE],
      );
      expect(Number(n)).toBe(7);
      // Rebuilding yesterday again (late batches) replaces its rows: nothing is counted twice.
      await service.buildRecent([site], BH_NOW);
      for (const path of BH_PAGES)
        for (const viewport of ['desktop', 'tablet', 'mobile']) await expectReport({ path, viewport, ...last7 }, { period: 'last_7_days' });
      await expectReport({ path: '/docs/start', viewport: 'mobile', ...customRange }, custom);
    }, 120_000);

    it("keeps heatmap days in the site's time zone and rebuilds them when the zone changes", async () => {
      const tz = 'Asia/Kolkata'; // +05:30: a day boundary no whole-hour or UTC grid has
      const zoned: SiteRecord = { ...site, timezone: tz };
      const kolkata = { fromMs: startOfLocalDay('2026-03-04', tz), toMs: startOfLocalDay('2026-03-11', tz) };
      const marks = async (zone: string) =>
        Number(
          (
            await store.query<{ n: number }>(
              "SELECT count(*) AS n FROM heatmap_cells WHERE site_id = ? AND kind = 'day' AND selector = ?",
              [BH_SITE, zone],
            )
          )[0]?.n ?? 0,
        );
      const expectAll = async (as: SiteRecord, range: { fromMs: number; toMs: number }) => {
        for (const path of BH_PAGES)
          for (const viewport of ['desktop', 'mobile']) await expectReport({ path, viewport, ...range }, { period: 'last_7_days' }, as);
      };
      // The UTC grid covers none of Kolkata's days: the report reads the raw samples of its local days.
      await expectAll(zoned, kolkata);
      expect(await service.buildRecent([zoned], BH_NOW)).toBe(7);
      expect(await marks(tz)).toBe(7);
      // The UTC days starting within a rebuilt Kolkata day are gone (DuckDB) or superseded (ClickHouse).
      expect(await marks('UTC')).toBe(0);
      await expectAll(zoned, kolkata);
      await expectAll(site, last7);
      // Back to UTC, ten days later: the week before holds no samples, and the Kolkata days older than the job's
      // week are rebuilt as the UTC days they start in, except the one before the retention cutoff (17 days
      // back from 20 March: 3 March; Kolkata's 3 March starts on 2 March UTC), whose samples retention takes.
      expect(await service.buildRecent([{ ...site, retention_days: 17 }], BH_NOW + 10 * DAY)).toBe(13);
      expect(await marks(tz)).toBe(1);
      await expectAll(site, last7);
    }, 120_000);

    it('ranks pages by rage, dead and error clicks', async () => {
      const report = await service.frustration(site, { period: 'last_7_days' }, BH_NOW);
      const ref = refFrustration(events, BH_SITE, last7.fromMs, last7.toMs);
      expect([...report.pages].sort((a, b) => (a.page < b.page ? -1 : 1))).toEqual(ref.sort((a, b) => (a.page < b.page ? -1 : 1)));
      expect(report.totals.rage_clicks).toBe(ref.reduce((s, r) => s + r.rage_clicks, 0));
      expect(report.totals.rage_clicks).toBeGreaterThan(0);
    }, 60_000);

    it('counts rage, dead and error clicks in the stats engine, per page, per session attribute and filtered', async () => {
      const stats = new StatsService(store, { now: () => BH_NOW });
      const range = { start: '2026-03-02', end: '2026-03-09' };
      const inRange = (e: (typeof events)[number]) => e.site_id === BH_SITE && e.ts >= Date.UTC(2026, 2, 2) && e.ts < Date.UTC(2026, 2, 10);
      const count = (name: string, path?: string) =>
        events.filter((e) => inRange(e) && e.name === name && (path === undefined || e.path === path)).length;
      const metrics = ['rage_clicks', 'dead_clicks', 'error_clicks', 'pageviews'] as const;
      const run = async (extra: Record<string, unknown>) =>
        (
          await stats.query(parseQuery({ site_id: BH_SITE, date_range: range, metrics: [...metrics], ...extra }), {
            id: BH_SITE,
            timezone: 'UTC',
          })
        ).rows;
      const expected = (path?: string) => ({
        rage_clicks: count('rage_click', path),
        dead_clicks: count('dead_click', path),
        error_clicks: count('error_click', path),
        pageviews: count('page_view', path),
      });
      expect(expected().rage_clicks).toBeGreaterThan(0);
      expect((await run({}))[0]).toEqual(expected());
      const byPage = await run({ dimensions: ['page'] });
      for (const path of BH_PAGES)
        expect(
          byPage.find((r) => r.page === path),
          path,
        ).toMatchObject(expected(path));
      // A session-level dimension reads the per-session counts; the frustration events are all in Firefox sessions.
      const byBrowser = await run({ dimensions: ['browser'] });
      expect(byBrowser.find((r) => r.browser === 'Firefox')).toEqual({ browser: 'Firefox', ...expected() });
      for (const r of byBrowser.filter((r) => r.browser !== 'Firefox'))
        expect(r).toMatchObject({ rage_clicks: 0, dead_clicks: 0, error_clicks: 0 });
      expect(byBrowser.length).toBeGreaterThan(1);
      const filtered = await run({ filters: [['is', 'page', ['/docs/start']]] });
      expect(filtered[0]).toEqual(expected('/docs/start'));
    }, 60_000);

    it('reports web vitals p50/p75/p95 with ratings, per day, page, device and country', async () => {
      const report = await service.vitals(site, { period: 'last_7_days' }, BH_NOW);
      const perf = events.filter(
        (e) => e.site_id === BH_SITE && e.name === 'page_performance' && e.ts >= last7.fromMs && e.ts < last7.toMs,
      );
      const thresholds = { lcp: [2500, 4000], inp: [200, 500], cls: [0.1, 0.25], fcp: [1800, 3000], ttfb: [800, 1800] } as const;
      const expectRow = (row: any, evs: typeof perf) => {
        expect(row.samples).toBe(evs.length);
        for (const v of VITALS) {
          const values = evs.map((e) => Number(e.props[v])).filter((n) => e_ok(n));
          const round = (n: number | null) => (n === null ? null : v === 'cls' ? Math.round(n * 1000) / 1000 : Math.round(n));
          const p75 = round(quantile(values, 0.75));
          const [good, poor] = thresholds[v];
          const rating = p75 === null ? null : p75 <= good ? 'good' : p75 <= poor ? 'needs-improvement' : 'poor';
          const pct = (n: number) => (values.length ? Math.round((1000 * n) / values.length) / 10 : 0);
          expect(row[v], v).toEqual({
            samples: values.length,
            p50: round(quantile(values, 0.5)),
            p75,
            p95: round(quantile(values, 0.95)),
            rating,
            good: pct(values.filter((n) => n <= good).length),
            poor: pct(values.filter((n) => n > poor).length),
          });
        }
      };
      const e_ok = (n: number) => Number.isFinite(n);
      expect(perf.length).toBeGreaterThan(100);
      expectRow(report.totals, perf);
      expect(report.timeseries.map((d) => d.date)).toEqual([
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-07',
        '2026-03-08',
        '2026-03-09',
        '2026-03-10',
      ]);
      for (const day of report.timeseries)
        expectRow(
          day,
          perf.filter((e) => new Date(e.ts).toISOString().slice(0, 10) === day.date),
        );
      for (const p of report.pages)
        expectRow(
          p,
          perf.filter((e) => e.path === p.page),
        );
      expect(report.pages.map((p) => p.page).sort()).toEqual([...BH_PAGES].sort());
      expect(report.pages[0]!.lcp.p75!).toBeGreaterThanOrEqual(report.pages[1]!.lcp.p75!);
      for (const d of report.devices)
        expectRow(
          d,
          perf.filter((e) => e.device_type === d.device),
        );
      expect(report.devices).toHaveLength(3);
      for (const c of report.countries)
        expectRow(
          c,
          perf.filter((e) => e.country === c.country),
        );
      const one = await service.vitals(site, { period: 'last_7_days', page: '/docs/start' }, BH_NOW);
      expectRow(
        one.totals,
        perf.filter((e) => e.path === '/docs/start'),
      );
    }, 60_000);

    it('has web vitals as stats-engine metrics: p50/p75/p95 by any dimension, filtered and per day', async () => {
      const stats = new StatsService(store, { now: () => BH_NOW });
      const from = Date.UTC(2026, 2, 2);
      const to = Date.UTC(2026, 2, 10);
      const perf = events.filter((e) => e.site_id === BH_SITE && e.name === 'page_performance' && e.ts >= from && e.ts < to);
      const metrics = VITALS.flatMap((v) => (['p50', 'p75', 'p95'] as const).map((q) => `${v}_${q}` as const));
      // The oracle: interpolated quantiles of the values that are numbers, ms whole, CLS to 3 decimals, 0 without samples.
      const oracle = (evs: typeof perf) =>
        Object.fromEntries(
          VITALS.flatMap((v) => {
            const values = evs.map((e) => Number(e.props[v])).filter((n) => Number.isFinite(n));
            return (
              [
                ['p50', 0.5],
                ['p75', 0.75],
                ['p95', 0.95],
              ] as const
            ).map(([q, x]) => {
              const value = quantile(values, x) ?? 0;
              return [`${v}_${q}`, v === 'cls' ? Math.round(value * 1000) / 1000 : Math.round(value)];
            });
          }),
        );
      const run = async (extra: Record<string, unknown>) =>
        (
          await stats.query(
            parseQuery({ site_id: BH_SITE, date_range: { start: '2026-03-02', end: '2026-03-09' }, metrics, limit: 100, ...extra }),
            {
              id: BH_SITE,
              timezone: 'UTC',
            },
          )
        ).rows;
      expect(perf.length).toBeGreaterThan(100);
      expect((await run({}))[0]).toEqual(oracle(perf));
      const expectBy = async (
        dimension: 'page' | 'browser' | 'device' | 'country',
        key: (e: (typeof perf)[number]) => string,
        extra = {},
        evs = perf,
      ) => {
        const rows = await run({ dimensions: [dimension], ...extra });
        const values = [...new Set(evs.map(key))].filter((v) => v !== '');
        expect(values.length, dimension).toBeGreaterThan(1);
        for (const value of values)
          expect(
            rows.find((r) => r[dimension] === value),
            `${dimension} ${value}`,
          ).toEqual({ [dimension]: value, ...oracle(evs.filter((e) => key(e) === value)) });
      };
      await expectBy('page', (e) => e.path);
      // Session-level dimensions (each vitals event is a session of its own here) and a filter.
      await expectBy('browser', (e) => e.browser);
      await expectBy('device', (e) => e.device_type);
      const docs = perf.filter((e) => e.path === '/docs/start');
      await expectBy('country', (e) => e.country, { filters: [['is', 'page', ['/docs/start']]] }, docs);
      const byDay = await run({ interval: 'day', metrics: ['lcp_p75', 'cls_p75'] });
      expect(byDay.map((r) => r.date)).toEqual([
        '2026-03-02',
        '2026-03-03',
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-07',
        '2026-03-08',
        '2026-03-09',
      ]);
      for (const r of byDay) {
        const o = oracle(perf.filter((e) => new Date(e.ts).toISOString().slice(0, 10) === r.date));
        expect(r).toEqual({ date: r.date, lcp_p75: o.lcp_p75, cls_p75: o.cls_p75 });
      }
    }, 60_000);

    it('groups JavaScript errors by fingerprint with visitors, first and last seen, pages, browsers and a daily trend', async () => {
      const report = await service.errors(site, { period: 'last_7_days' }, BH_NOW);
      const errs = events.filter((e) => e.site_id === BH_SITE && e.name === 'error_occurred' && e.ts >= last7.fromMs && e.ts < last7.toMs);
      expect(errs.length).toBeGreaterThan(50);
      const dates = ['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10'];
      const day = (ts: number) => new Date(ts).toISOString().slice(0, 10);
      const countsOf = (list: typeof errs, key: (e: (typeof errs)[number]) => string) => {
        const m = new Map<string, number>();
        for (const e of list) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
        return m;
      };
      expect(report.totals).toEqual({ occurrences: errs.length, visitors: new Set(errs.map((e) => e.visitor_id)).size, errors: 3 });
      expect(report.timeseries).toEqual(dates.map((date) => ({ date, occurrences: errs.filter((e) => day(e.ts) === date).length })));
      const groups = countsOf(errs, (e) => e.props.fingerprint!);
      expect(report.errors.map((e) => e.fingerprint)).toEqual([...groups].sort((a, b) => b[1] - a[1]).map(([fp]) => fp));
      for (const g of report.errors) {
        const mine = errs.filter((e) => e.props.fingerprint === g.fingerprint);
        expect(g.occurrences).toBe(mine.length);
        expect(g.visitors).toBe(new Set(mine.map((e) => e.visitor_id)).size);
        expect(g.first_seen).toBe(Math.min(...mine.map((e) => e.ts)));
        expect(g.last_seen).toBe(Math.max(...mine.map((e) => e.ts)));
        expect(g.message).toBe(mine[0]!.props.message);
        expect(g.trend).toEqual(dates.map((date) => mine.filter((e) => day(e.ts) === date).length));
        expect(new Map(g.pages.map((p) => [p.page, p.count]))).toEqual(countsOf(mine, (e) => e.path));
        expect(new Map(g.browsers.map((b) => [b.browser, b.count]))).toEqual(countsOf(mine, (e) => e.browser));
      }
      expect((await service.errors(site, { period: 'last_7_days', limit: '1' }, BH_NOW)).errors).toHaveLength(1);
    }, 60_000);

    it('refuses bad parameters with a 400', async () => {
      await expect(service.heatmap(site, { page_url: 'javascript:alert(1)' }, BH_NOW)).rejects.toMatchObject({ status: 400 });
      await expect(service.heatmap(site, { page_url: '/x', viewport: 'watch' }, BH_NOW)).rejects.toMatchObject({ status: 400 });
      await expect(service.heatmap(site, { page_url: '/x', period: 'custom' }, BH_NOW)).rejects.toMatchObject({ status: 400 });
      await expect(service.heatmap(site, { page_url: '/x', extra: '1' }, BH_NOW)).rejects.toMatchObject({ status: 400 });
    });
  });
}
