import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, type CanonicalEvent, type QueryInput } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService, type QueryResult, type StatsServiceOptions } from '../src/stats';
import { fixtureEvents, P, PC, pageAverages, pageViewMeasures, SITE_A, SITE_B, SITE_C } from './helpers/stats-fixture';

/**
 * Every report over the fixture (stats-fixture.ts), with expectations computed by hand. Engine
 * independent: each engine's test file calls this with a factory for its EventStore, so the same
 * numbers are asserted on DuckDB and ClickHouse.
 */

/** Wed 2024-01-17 07:00 in New York, 17:30 in Kolkata. */
export const SUITE_NOW = Date.parse('2024-01-17T12:00:00Z');

/** Engine-specific extras: e.g. build a rollup after the fixture is written and give it to the service. */
export interface SuiteHooks {
  afterWrite?: (store: EventStore) => Promise<Partial<StatsServiceOptions>>;
  beforeClose?: () => Promise<void>;
}

export function runStatsSuite(engine: string, makeStore: () => Promise<EventStore>, hooks: SuiteHooks = {}): void {
  describe(`stats reports on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events: fixtureEvents(), raw: [], quarantine: [], drops: [] });
      const extra = (await hooks.afterWrite?.(store)) ?? {};
      stats = new StatsService(store, { ...extra, now: () => SUITE_NOW });
    });
    afterAll(async () => {
      await hooks.beforeClose?.();
      await store?.close();
    });

    const run = (input: Partial<QueryInput>, site = SITE_A): Promise<QueryResult> =>
      stats.query(parseQuery({ site_id: site.id, date_range: P, ...input }), site);
    const one = async (input: Partial<QueryInput>, site = SITE_A) => (await run(input, site)).rows[0];
    const ALL: QueryInput['metrics'] = ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit', 'events'];

    describe('aggregate metrics', () => {
      it('computes every metric over the period (sessions belong to the period they start in)', async () => {
        // Events in P: S1 4, S2 2, S3 2, S4 4, S5 2 (of 3), S6 2 (of 3) = 16; pageviews 2+1+1+3+2+2 = 11.
        // Sessions starting in P: S1-S5; bounces: S2; durations 300+40+60+1230+3000 = 4630 → 926 s;
        // their pageviews 2+1+1+3+3 = 10 → 2 per visit.
        expect(await one({ metrics: ALL })).toEqual({
          visitors: 5,
          pageviews: 11,
          sessions: 5,
          bounce_rate: 20,
          avg_duration: 926,
          views_per_visit: 2,
          events: 16,
        });
      });

      it('gives each metric the same value whatever else is requested', async () => {
        expect(await one({ metrics: ['pageviews'] })).toEqual({ pageviews: 11 });
        expect(await one({ metrics: ['visitors'] })).toEqual({ visitors: 5 });
        expect(await one({ metrics: ['bounce_rate'] })).toEqual({ bounce_rate: 20 });
        expect(await one({ metrics: ['visit_duration'] })).toEqual({ avg_duration: 926 });
      });

      it('compares with the previous period of equal length', async () => {
        const r = await run({ metrics: ALL, compare: true });
        expect(r.comparison?.date_range).toEqual({ start: '2024-01-13', end: '2024-01-14' });
        // P′: S6 first event (Sun 23:50), S8 (2 pv), S9 (1 pv). Sessions S6, S8, S9; bounce S9;
        // durations 2100 + 180 + 0 = 2280 → 760; pageviews of those sessions 3+2+1 = 6 → 2.
        expect(r.comparison?.rows[0]).toEqual({
          visitors: 3,
          pageviews: 4,
          sessions: 3,
          bounce_rate: 33.3,
          avg_duration: 760,
          views_per_visit: 2,
          events: 4,
        });
      });

      it('bounce edge cases: pageview+scroll bounces, pageview+custom event does not, two pageviews do not', async () => {
        const bounceOf = async (session: string) => {
          const rows = (await run({ metrics: ['sessions', 'bounce_rate'], filters: [['is', 'entry_page', [session]]] })).rows[0];
          return rows;
        };
        expect(await bounceOf('/')).toEqual({ sessions: 3, bounce_rate: 33.3 }); // S1 (2 pv) no, S2 (pv+scroll) yes, S5 no
        expect(await bounceOf('/blog/post-1')).toEqual({ sessions: 2, bounce_rate: 0 }); // S3 pv + cta_click, S4
        expect(await one({ metrics: ['bounce_rate', 'sessions'], filters: [['is', 'country', ['DE']]] })).toEqual({
          bounce_rate: 100,
          sessions: 1,
        });
        expect(await one({ metrics: ['bounce_rate'], filters: [['is', 'source', ['Twitter']]] })).toEqual({ bounce_rate: 0 });
        expect(await one({ metrics: ['bounce_rate'], filters: [['is', 'source', ['Google']]] })).toEqual({ bounce_rate: 0 });
      });

      it('measures duration over the whole session, also past the end of the period', async () => {
        expect(await one({ metrics: ['avg_duration', 'sessions', 'pageviews'], filters: [['is', 'exit_page', ['/about']]] })).toEqual({
          avg_duration: 3000,
          sessions: 1,
          pageviews: 2,
        });
      });
    });

    describe('periods and timezones', () => {
      it('counts 23:30 local on the last day and not 00:30 the next day (New York)', async () => {
        expect(await one({ metrics: ['visitors', 'sessions'], date_range: { start: '2024-01-16', end: '2024-01-16' } })).toEqual({
          visitors: 2,
          sessions: 2,
        }); // v1 (S4), v4 (S5 at 23:30)
        // Wed: S5's 00:20 event and S7 at 00:30; only S7 starts that day.
        expect(
          await one({ metrics: ['visitors', 'pageviews', 'sessions'], date_range: { start: '2024-01-17', end: '2024-01-17' } }),
        ).toEqual({ visitors: 2, pageviews: 2, sessions: 1 });
      });

      it('resolves named periods in the site timezone', async () => {
        expect(await one({ metrics: ['visitors', 'sessions'], date_range: 'yesterday' })).toEqual({ visitors: 2, sessions: 2 });
        expect(await one({ metrics: ['visitors', 'sessions'], date_range: 'today' })).toEqual({ visitors: 2, sessions: 1 });
        const r = await run({ metrics: ['visitors'], date_range: 'last_7_days' });
        expect(r.date_range).toEqual({ start: '2024-01-11', end: '2024-01-17' });
        expect(r.rows[0]).toEqual({ visitors: 8 }); // v1-v8
      });

      it('counts 23:30 IST and 00:15 IST on the day, not 00:30 or 23:45 on the neighbours (Kolkata)', async () => {
        expect(await one({ metrics: ['visitors', 'pageviews'], date_range: { start: '2024-01-15', end: '2024-01-15' } }, SITE_B)).toEqual({
          visitors: 2,
          pageviews: 2,
        });
        expect(await one({ metrics: ['visitors'], date_range: 'yesterday' }, SITE_B)).toEqual({ visitors: 1 }); // Jan 16 IST: w2
      });

      it('honours an explicit query timezone over the site one', async () => {
        // Jan 15 in UTC: S6 04:50 and S6 05:10, 05:25, S1, S2, S3 → v5, v1, v2, v3.
        expect(await one({ metrics: ['visitors'], date_range: { start: '2024-01-15', end: '2024-01-15' }, timezone: 'UTC' })).toEqual({
          visitors: 4,
        });
      });
    });

    describe('timeseries', () => {
      it('buckets by local day; session metrics by the day the session starts', async () => {
        const r = await run({ metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration'], interval: 'day' });
        expect(r.rows).toEqual([
          { date: '2024-01-15', visitors: 4, pageviews: 6, sessions: 3, bounce_rate: 33.3, avg_duration: 133 },
          { date: '2024-01-16', visitors: 2, pageviews: 5, sessions: 2, bounce_rate: 0, avg_duration: 2115 },
        ]);
      });

      it('zero-fills empty buckets (month)', async () => {
        const r = await run({
          metrics: ['visitors', 'sessions'],
          date_range: { start: '2024-01-01', end: '2024-03-31' },
          interval: 'month',
        });
        expect(r.rows).toEqual([
          { date: '2024-01-01', visitors: 8, sessions: 9 },
          { date: '2024-02-01', visitors: 0, sessions: 0 },
          { date: '2024-03-01', visitors: 1, sessions: 1 },
        ]);
      });

      it('buckets ISO weeks starting Monday', async () => {
        const r = await run({
          metrics: ['visitors', 'pageviews', 'sessions'],
          date_range: { start: '2024-01-13', end: '2024-01-16' },
          interval: 'week',
        });
        expect(r.rows).toEqual([
          { date: '2024-01-08', visitors: 3, pageviews: 4, sessions: 3 },
          { date: '2024-01-15', visitors: 5, pageviews: 11, sessions: 5 },
        ]);
      });

      it('has 23 hours on the spring-forward day in New York', async () => {
        const r = await run({ metrics: ['visitors'], date_range: { start: '2024-03-10', end: '2024-03-10' }, interval: 'hour' });
        expect(r.rows).toHaveLength(23);
        expect(r.rows.map((x) => x.date)).not.toContain('2024-03-10 02:00:00');
        expect(r.rows.filter((x) => x.visitors !== 0)).toEqual([{ date: '2024-03-10 03:00:00', visitors: 1 }]);
      });

      it('buckets hours in a half-hour-offset zone (Kolkata)', async () => {
        const r = await run({ metrics: ['visitors'], date_range: { start: '2024-01-15', end: '2024-01-15' }, interval: 'hour' }, SITE_B);
        expect(r.rows).toHaveLength(24);
        expect(r.rows.filter((x) => x.visitors !== 0)).toEqual([
          { date: '2024-01-15 00:00:00', visitors: 1 },
          { date: '2024-01-15 23:00:00', visitors: 1 },
        ]);
      });

      it('applies session filters to event metrics per bucket', async () => {
        const r = await run({ metrics: ['visitors', 'pageviews', 'sessions'], interval: 'day', filters: [['is', 'source', ['Google']]] });
        expect(r.rows).toEqual([
          { date: '2024-01-15', visitors: 1, pageviews: 2, sessions: 1 },
          { date: '2024-01-16', visitors: 0, pageviews: 0, sessions: 0 },
        ]);
      });
    });

    describe('breakdowns', () => {
      it('pages', async () => {
        const r = await run({ metrics: ['visitors', 'pageviews'], dimensions: ['page'] });
        expect(r.rows).toEqual([
          { page: '/', visitors: 3, pageviews: 3 },
          { page: '/blog/post-1', visitors: 2, pageviews: 2 },
          { page: '/blog/post-2', visitors: 1, pageviews: 1 },
          { page: '/contact', visitors: 1, pageviews: 1 },
          { page: '/docs/config', visitors: 1, pageviews: 1 },
          { page: '/docs/install', visitors: 1, pageviews: 1 },
          { page: '/pricing', visitors: 1, pageviews: 2 },
        ]);
      });

      it('orders, limits and offsets deterministically', async () => {
        const paged = await run({ metrics: ['visitors'], dimensions: ['page'], limit: 2, offset: 1 });
        expect(paged.rows.map((x) => x.page)).toEqual(['/blog/post-1', '/blog/post-2']);
        const byViews = await run({ metrics: ['visitors', 'pageviews'], dimensions: ['page'], order_by: [['pageviews', 'desc']] });
        expect(byViews.rows.map((x) => x.page)).toEqual([
          '/',
          '/blog/post-1',
          '/pricing',
          '/blog/post-2',
          '/contact',
          '/docs/config',
          '/docs/install',
        ]);
        const byName = await run({ metrics: ['visitors'], dimensions: ['page'], order_by: [['page', 'desc']], limit: 3 });
        expect(byName.rows.map((x) => x.page)).toEqual(['/pricing', '/docs/install', '/docs/config']);
      });

      it('pages with session metrics: sessions that include the page', async () => {
        const r = await run({ metrics: ['visitors', 'sessions', 'bounce_rate'], dimensions: ['page'] });
        expect(r.rows).toEqual([
          { page: '/', visitors: 3, sessions: 3, bounce_rate: 33.3 },
          { page: '/blog/post-1', visitors: 2, sessions: 2, bounce_rate: 0 },
          { page: '/blog/post-2', visitors: 1, sessions: 1, bounce_rate: 0 },
          { page: '/contact', visitors: 1, sessions: 1, bounce_rate: 0 },
          { page: '/docs/config', visitors: 1, sessions: 0, bounce_rate: 0 },
          { page: '/docs/install', visitors: 1, sessions: 0, bounce_rate: 0 },
          { page: '/pricing', visitors: 1, sessions: 2, bounce_rate: 0 },
          { page: '/about', visitors: 0, sessions: 1, bounce_rate: 0 }, // S5's page after the period
        ]);
      });

      it('an event filter matched only after the period: the session counts, its visitor does not', async () => {
        const filters = [['is', 'page', ['/about']]];
        expect((await run({ metrics: ['visitors', 'sessions'], dimensions: ['country'], filters })).rows).toEqual([
          { country: 'FR', visitors: 0, sessions: 1 },
        ]);
        expect(await one({ metrics: ['visitors', 'sessions', 'pageviews'], filters })).toEqual({ visitors: 0, sessions: 1, pageviews: 0 });
      });

      it('entry and exit pages', async () => {
        expect((await run({ metrics: ['visitors', 'sessions', 'bounce_rate'], dimensions: ['entry_page'] })).rows).toEqual([
          { entry_page: '/', visitors: 3, sessions: 3, bounce_rate: 33.3 },
          { entry_page: '/blog/post-1', visitors: 2, sessions: 2, bounce_rate: 0 },
          { entry_page: '/docs', visitors: 1, sessions: 0, bounce_rate: 0 }, // S6 started in P′
        ]);
        expect((await run({ metrics: ['visitors', 'sessions'], dimensions: ['exit_page'] })).rows).toEqual([
          { exit_page: '/', visitors: 1, sessions: 1 },
          { exit_page: '/about', visitors: 1, sessions: 1 },
          { exit_page: '/blog/post-1', visitors: 1, sessions: 1 },
          { exit_page: '/docs/config', visitors: 1, sessions: 0 },
          { exit_page: '/pricing', visitors: 1, sessions: 2 },
        ]);
      });

      it('sources are attributed to the session (first event), not to each event', async () => {
        expect((await run({ metrics: ['visitors', 'pageviews', 'sessions'], dimensions: ['source'] })).rows).toEqual([
          { source: '', visitors: 1, pageviews: 1, sessions: 1 },
          { source: 'Bing', visitors: 1, pageviews: 2, sessions: 1 },
          { source: 'GitHub', visitors: 1, pageviews: 2, sessions: 0 },
          { source: 'Google', visitors: 1, pageviews: 2, sessions: 1 },
          { source: 'Twitter', visitors: 1, pageviews: 1, sessions: 1 },
          { source: 'newsletter', visitors: 1, pageviews: 3, sessions: 1 },
        ]);
      });

      it('channels, countries, devices, screens', async () => {
        expect((await run({ metrics: ['visitors', 'sessions'], dimensions: ['channel'] })).rows).toEqual([
          { channel: 'Organic Search', visitors: 2, sessions: 2 },
          { channel: 'Direct', visitors: 1, sessions: 1 },
          { channel: 'Email', visitors: 1, sessions: 1 },
          { channel: 'Referral', visitors: 1, sessions: 0 },
          { channel: 'Social', visitors: 1, sessions: 1 },
        ]);
        expect((await run({ metrics: ['visitors', 'sessions'], dimensions: ['country'] })).rows).toEqual([
          { country: 'US', visitors: 3, sessions: 3 },
          { country: 'DE', visitors: 1, sessions: 1 },
          { country: 'FR', visitors: 1, sessions: 1 },
        ]);
        expect((await run({ metrics: ['visitors', 'sessions'], dimensions: ['device'] })).rows).toEqual([
          { device: 'desktop', visitors: 4, sessions: 4 },
          { device: 'mobile', visitors: 1, sessions: 1 },
        ]);
        expect((await run({ metrics: ['visitors', 'sessions'], dimensions: ['screen'] })).rows).toEqual([
          { screen: '1280x720', visitors: 1, sessions: 1 },
          { screen: '1440x900', visitors: 1, sessions: 0 },
          { screen: '1536x864', visitors: 1, sessions: 1 },
          { screen: '1920x1080', visitors: 1, sessions: 2 },
          { screen: '390x844', visitors: 1, sessions: 1 },
        ]);
      });

      it('event names and custom properties', async () => {
        expect((await run({ metrics: ['visitors', 'events'], dimensions: ['event_name'] })).rows).toEqual([
          { event_name: 'page_view', visitors: 5, events: 11 },
          { event_name: 'scroll_depth', visitors: 2, events: 2 },
          { event_name: 'cta_click', visitors: 1, events: 1 },
          { event_name: 'signup', visitors: 1, events: 2 },
        ]);
        expect(
          (await run({ metrics: ['visitors', 'events'], dimensions: ['props:plan'], filters: [['is', 'event_name', ['signup']]] })).rows,
        ).toEqual([
          { 'props:plan': 'free', visitors: 1, events: 1 },
          { 'props:plan': 'pro', visitors: 1, events: 1 },
        ]);
        expect((await run({ metrics: ['events'], dimensions: ['props:plan'] })).rows).toEqual([
          { 'props:plan': '', events: 14 },
          { 'props:plan': 'free', events: 1 },
          { 'props:plan': 'pro', events: 1 },
        ]);
      });

      it('two dimensions at once', async () => {
        const r = await run({
          metrics: ['visitors', 'pageviews'],
          dimensions: ['country', 'page'],
          filters: [['is', 'country', ['US']]],
          limit: 3,
        });
        expect(r.rows).toEqual([
          { country: 'US', page: '/blog/post-1', visitors: 2, pageviews: 2 },
          { country: 'US', page: '/', visitors: 1, pageviews: 1 },
          { country: 'US', page: '/blog/post-2', visitors: 1, pageviews: 1 },
        ]);
      });
    });

    describe('dashboard overview', () => {
      it('equals the individual queries (KPIs and breakdowns may share one pass over sessions)', async () => {
        const dims = ['page', 'entry_page', 'exit_page', 'source', 'channel', 'country', 'browser', 'device'] as const;
        const filters = JSON.stringify([['is_not', 'event_name', ['cta_click']]]);
        const d = await stats.dashboard(SITE_A, {
          period: 'custom',
          start_date: P.start,
          end_date: P.end,
          dimensions: dims.join(','),
          limit: '4',
          filters,
        });
        const metrics: QueryInput['metrics'] = ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration'];
        const kpi = await run({ metrics, compare: true, filters: [['is_not', 'event_name', ['cta_click']]] });
        for (const m of metrics) {
          const name = m === 'visit_duration' || m === 'duration' ? 'avg_duration' : m;
          expect(d.metrics[name].value, name).toBe(kpi.rows[0][name]);
        }
        for (const dim of dims) {
          const r = await run({ metrics, dimensions: [dim], limit: 4, filters: [['is_not', 'event_name', ['cta_click']]] });
          const key = dim === 'page' || dim.endsWith('_page') ? 'path' : 'name';
          const plural = Object.keys(d.dimensions).find(
            (k) => d.dimensions[k].length === r.rows.length && d.dimensions[k].every((row, i) => row[key] === r.rows[i][dim]),
          );
          expect(plural, dim).toBeDefined();
          expect(d.dimensions[plural!].map(({ [key]: v, ...rest }) => ({ [dim]: v, ...rest }))).toEqual(r.rows);
        }
        expect(d.metrics.visitors).toEqual({ value: 5, change: 66.7 });
        expect(d.dimensions.sources.map((x) => x.name)).toEqual(['', 'Bing', 'GitHub', 'Google']);
      });
    });

    describe('time on page, scroll depth, new and returning visitors', () => {
      const NEW: QueryInput['metrics'] = ['visitors', 'new_visitors', 'returning_visitors'];
      const PAGE: QueryInput['metrics'] = ['pageviews', 'avg_time', 'scroll_depth'];
      const runC = (input: Partial<QueryInput>) => run({ date_range: PC, ...input }, SITE_C);
      /** The reference (stats-fixture.ts) over site C's page views in PC, optionally narrowed. */
      const expectedC = (keep: (e: CanonicalEvent) => boolean = () => true) =>
        pageAverages(
          pageViewMeasures(fixtureEvents()).filter(
            (m) =>
              m.event.site_id === SITE_C.id &&
              m.event.ts >= Date.parse('2024-02-01T00:00:00Z') &&
              m.event.ts < Date.parse('2024-02-02T00:00:00Z') &&
              keep(m.event),
          ),
        );

      it('splits visitors by whether their id was seen before the period', async () => {
        // In P: v1-v5; only v5 has an event before P (S6 starts Sun 23:50 in P′).
        expect(await one({ metrics: NEW })).toEqual({ visitors: 5, new_visitors: 4, returning_visitors: 1 });
        // "Before the period", not before the bucket: v1 of Jan 15 is new again on Jan 16.
        expect((await run({ metrics: NEW, interval: 'day' })).rows).toEqual([
          { date: '2024-01-15', visitors: 4, new_visitors: 3, returning_visitors: 1 },
          { date: '2024-01-16', visitors: 2, new_visitors: 2, returning_visitors: 0 },
        ]);
        expect((await run({ metrics: NEW, dimensions: ['source'] })).rows).toEqual([
          { source: '', visitors: 1, new_visitors: 1, returning_visitors: 0 },
          { source: 'Bing', visitors: 1, new_visitors: 1, returning_visitors: 0 },
          { source: 'GitHub', visitors: 1, new_visitors: 0, returning_visitors: 1 },
          { source: 'Google', visitors: 1, new_visitors: 1, returning_visitors: 0 },
          { source: 'Twitter', visitors: 1, new_visitors: 1, returning_visitors: 0 },
          { source: 'newsletter', visitors: 1, new_visitors: 1, returning_visitors: 0 },
        ]);
        expect(await one({ metrics: ['returning_visitors', 'sessions'], filters: [['is', 'page', ['/docs/install']]] })).toEqual({
          returning_visitors: 1,
          sessions: 0,
        });
        // P′ (Jan 13-14): nothing before it, so everyone is new.
        expect((await run({ metrics: NEW, compare: true })).comparison?.rows[0]).toEqual({
          visitors: 3,
          new_visitors: 3,
          returning_visitors: 0,
        });
        expect(await runC({ metrics: NEW }).then((r) => r.rows[0])).toEqual({ visitors: 3, new_visitors: 2, returning_visitors: 1 });
      });

      it('time on page: engaged time when reported, else the gap to the next page view; deepest scroll per page view', async () => {
        // "/": 45 s (c1 engaged), 150 s (c2 gap), 30 s (c3 engaged) → 75; depths 60, 40 → 50.
        // "/pricing": 30 s (c1: two exits), 90 s (c2 gap) → 60; depth 100. "/docs": last page views, no time, no depth.
        expect((await runC({ metrics: PAGE, dimensions: ['page'], order_by: [['page', 'asc']] })).rows).toEqual([
          { page: '/', pageviews: 3, avg_time: 75, scroll_depth: 50 },
          { page: '/docs', pageviews: 2, avg_time: 0, scroll_depth: 0 },
          { page: '/pricing', pageviews: 2, avg_time: 60, scroll_depth: 100 },
        ]);
        expect(await runC({ metrics: PAGE }).then((r) => r.rows[0])).toEqual({ pageviews: 7, ...expectedC() });
        expect(expectedC()).toEqual({ avg_time: 69, scroll_depth: 67 }); // (45+150+30+30+90)/5, (60+40+100)/3
      });

      it('time on page by session attributes, filters and time buckets', async () => {
        expect((await runC({ metrics: ['avg_time', 'scroll_depth', 'visitors'], dimensions: ['source'] })).rows).toEqual([
          { source: 'Twitter', avg_time: 120, scroll_depth: 0, visitors: 1 },
          { source: 'Google', avg_time: 35, scroll_depth: 67, visitors: 2 },
        ]);
        expect(
          await runC({
            metrics: ['avg_time', 'sessions'],
            filters: [
              ['is', 'source', ['Google']],
              ['is', 'page', ['/']],
            ],
          }).then((r) => r.rows[0]),
        ).toEqual({ avg_time: 38, sessions: 2 }); // (45+30)/2 = 37.5
        expect(
          (await runC({ metrics: ['avg_time', 'scroll_depth'], interval: 'hour', date_range: PC })).rows.filter(
            (r) => r.avg_time || r.scroll_depth,
          ),
        ).toEqual([
          { date: '2024-02-01 10:00:00', avg_time: 38, scroll_depth: 80 },
          { date: '2024-02-01 11:00:00', avg_time: 120, scroll_depth: 0 },
          { date: '2024-02-01 12:00:00', avg_time: 30, scroll_depth: 40 },
        ]);
        expect(
          (
            await runC({
              metrics: ['avg_time', 'scroll_depth', 'visitors'],
              dimensions: ['source', 'page'],
              order_by: [
                ['source', 'asc'],
                ['page', 'asc'],
              ],
            })
          ).rows,
        ).toEqual([
          { source: 'Google', page: '/', avg_time: 38, scroll_depth: 50, visitors: 2 },
          { source: 'Google', page: '/docs', avg_time: 0, scroll_depth: 0, visitors: 1 },
          { source: 'Google', page: '/pricing', avg_time: 30, scroll_depth: 100, visitors: 1 },
          { source: 'Twitter', page: '/', avg_time: 150, scroll_depth: 0, visitors: 1 },
          { source: 'Twitter', page: '/docs', avg_time: 0, scroll_depth: 0, visitors: 1 },
          { source: 'Twitter', page: '/pricing', avg_time: 90, scroll_depth: 0, visitors: 1 },
        ]);
      });

      it('equals the reference on site A, across the edges of the period', async () => {
        const inP = (e: CanonicalEvent) =>
          e.site_id === SITE_A.id && e.ts >= Date.parse('2024-01-15T05:00:00Z') && e.ts < Date.parse('2024-01-17T05:00:00Z');
        const measures = pageViewMeasures(fixtureEvents()).filter((m) => inP(m.event));
        const r = await run({ metrics: ['avg_time', 'pageviews'], dimensions: ['page'], order_by: [['page', 'asc']] });
        const pages = [...new Set(measures.map((m) => m.event.path))].sort();
        expect(r.rows).toEqual(
          pages.map((page) => ({
            page,
            avg_time: pageAverages(measures.filter((m) => m.event.path === page)).avg_time,
            pageviews: measures.filter((m) => m.event.path === page).length,
          })),
        );
        // S5's "/contact" (23:55) is timed by "/about" after the period: 25 min.
        expect(r.rows.find((x) => x.page === '/contact')?.avg_time).toBe(1500);
        expect(await one({ metrics: ['avg_time'] })).toEqual({ avg_time: pageAverages(measures).avg_time });
      });

      it('the dashboard answer carries them in the KPIs, the timeseries and the page rows', async () => {
        const d = await stats.dashboard(SITE_C, {
          period: 'custom',
          start_date: PC.start,
          end_date: PC.end,
          metrics: 'visitors,new_visitors,returning_visitors,pageviews,avg_time,scroll_depth,duration',
          dimensions: 'page,medium,device',
        });
        expect(d.metrics.new_visitors.value).toBe(2);
        expect(d.metrics.returning_visitors.value).toBe(1);
        expect(d.metrics.avg_time.value).toBe(69);
        expect(d.metrics.avg_duration.value).toBe(Math.round((300 + 240 + 30) / 3));
        expect(d.interval).toBe('hour');
        expect(d.timeseries).toHaveLength(24);
        expect(d.dimensions.pages.find((x) => x.path === '/')).toMatchObject({ pageviews: 3, avg_time: 75, scroll_depth: 50 });
        expect(d.dimensions.mediums).toEqual([
          {
            name: '',
            visitors: 3,
            new_visitors: 2,
            returning_visitors: 1,
            pageviews: 7,
            avg_time: 69,
            scroll_depth: 67,
            avg_duration: 190,
          },
        ]);
        expect(d.dimensions.devices.map((x) => x.name)).toEqual(['desktop']);
      });
    });

    describe('filters', () => {
      const M: QueryInput['metrics'] = ['visitors', 'pageviews', 'sessions', 'bounce_rate'];
      const cases: Array<[string, unknown, Record<string, number>]> = [
        ['is (event level)', [['is', 'page', ['/pricing']]], { visitors: 1, pageviews: 2, sessions: 2, bounce_rate: 0 }],
        ['is_not (event level)', [['is_not', 'page', ['/']]], { visitors: 4, pageviews: 8, sessions: 4, bounce_rate: 0 }],
        ['contains, case-insensitive', [['contains', 'page', ['BLOG']]], { visitors: 2, pageviews: 3, sessions: 2, bounce_rate: 0 }],
        ['matches', [['matches', 'page', ['^/docs/']]], { visitors: 1, pageviews: 2, sessions: 0, bounce_rate: 0 }],
        [
          'is with several values (session level)',
          [['is', 'source', ['Google', 'Bing']]],
          { visitors: 2, pageviews: 4, sessions: 2, bounce_rate: 0 },
        ],
        [
          'matches (session level)',
          [['matches', 'source', ['^(Google|Bing)$']]],
          { visitors: 2, pageviews: 4, sessions: 2, bounce_rate: 0 },
        ],
        ['is_not empty (session level)', [['is_not', 'source', ['']]], { visitors: 4, pageviews: 10, sessions: 4, bounce_rate: 0 }],
        [
          'or',
          ['or', ['is', 'country', ['DE']], ['is', 'source', ['Twitter']]],
          { visitors: 2, pageviews: 2, sessions: 2, bounce_rate: 50 },
        ],
        ['not', ['not', ['is', 'country', ['US']]], { visitors: 2, pageviews: 3, sessions: 2, bounce_rate: 50 }],
        [
          'and across levels',
          [
            ['is', 'country', ['US']],
            ['is', 'event_name', ['signup']],
          ],
          { visitors: 1, pageviews: 0, sessions: 2, bounce_rate: 0 },
        ],
        ['entry_page filters sessions', [['is', 'entry_page', ['/']]], { visitors: 3, pageviews: 5, sessions: 3, bounce_rate: 33.3 }],
        [
          'nested and/or/not',
          ['and', ['or', ['is', 'page', ['/pricing']], ['is', 'page', ['/contact']]], ['not', ['is', 'event_name', ['signup']]]],
          { visitors: 2, pageviews: 3, sessions: 3, bounce_rate: 0 },
        ],
      ];
      for (const [name, filters, expected] of cases) {
        it(name, async () => {
          expect(await one({ metrics: M, filters: filters as QueryInput['filters'] })).toEqual(expected);
        });
      }

      it('props: is and contains', async () => {
        expect(await one({ metrics: ['visitors', 'events', 'sessions'], filters: [['is', 'props:plan', ['pro']]] })).toEqual({
          visitors: 1,
          events: 1,
          sessions: 1,
        });
        expect(await one({ metrics: ['visitors', 'events', 'sessions'], filters: [['contains', 'props:plan', ['FR']]] })).toEqual({
          visitors: 1,
          events: 1,
          sessions: 1,
        });
      });

      it('never mixes sites', async () => {
        expect(await one({ metrics: ['visitors'], filters: [['is', 'country', ['IN']]] })).toEqual({ visitors: 0 });
        expect(await one({ metrics: ['visitors', 'pageviews'] }, SITE_B)).toEqual({ visitors: 3, pageviews: 3 }); // P in IST: w1, w2(00:30 Jan 16), w3
      });
    });

    describe('realtime', () => {
      it('lists visitors active in the last five minutes with their session so far', async () => {
        const rt = new StatsService(store, { now: () => Date.parse('2024-01-16T13:22:00Z') });
        const snap = await rt.realtime(SITE_A);
        expect(snap.active_visitors).toBe(1);
        expect(snap.visitors_list).toEqual([
          {
            visitor_id: 'v1',
            current_page: '/pricing',
            country: 'US',
            device: 'desktop',
            source: 'newsletter',
            pages_viewed: 3,
            time_on_site: 1320,
          },
        ]);
        expect(snap.top_pages).toEqual([{ path: '/pricing', visitors: 1 }]);
        expect(snap.top_sources).toEqual([{ source: 'newsletter', visitors: 1 }]);
        expect((await rt.realtime(SITE_B)).active_visitors).toBe(0);
      });

      it('forgets visitors after five minutes', async () => {
        const rt = new StatsService(store, { now: () => Date.parse('2024-01-16T13:25:31Z') });
        expect((await rt.realtime(SITE_A)).active_visitors).toBe(0);
      });
    });

    describe('raw events', () => {
      it('pages through the period by (ts, event_id) without gaps or repeats', async () => {
        const expected = fixtureEvents()
          .filter((e) => e.site_id === SITE_A.id && e.ts >= Date.parse('2024-01-15T05:00:00Z') && e.ts < Date.parse('2024-01-17T05:00:00Z'))
          .sort((a, b) => a.ts - b.ts || a.event_id.localeCompare(b.event_id));
        const seen: Array<Record<string, unknown>> = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await stats.rawEvents(SITE_A, {
            from: '2024-01-15T05:00:00Z',
            to: '2024-01-17T05:00:00Z',
            limit: '5',
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...page.events);
          cursor = page.next_cursor ?? undefined;
          pages += 1;
        } while (cursor && pages < 10);
        expect(pages).toBe(4);
        expect(seen.map((e) => e.event_id)).toEqual(expected.map((e) => e.event_id));
        expect(seen.map((e) => e.ts)).toEqual(expected.map((e) => e.ts));
        const signup = seen.find((e) => e.name === 'signup');
        expect(signup).toMatchObject({ site_id: SITE_A.id, visitor_id: 'v1', path: '/pricing', props: { plan: 'pro' }, screen_w: 1920 });
      });
    });
  });
}
