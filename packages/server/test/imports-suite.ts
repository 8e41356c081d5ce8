import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { emptyEvent, parseQuery, type CanonicalEvent, type DashboardStats } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { ImportService } from '../src/imports';
import { parsePlausibleQuery, runPlausibleQuery } from '../src/compat';
import type { MetaStore, SiteRecord } from '../src/meta';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import {
  addDays,
  expectedBreakdown,
  expectedTotals,
  generatePlausibleExport,
  type Counts,
  type PlausibleExport,
} from './helpers/plausible-export';

/**
 * Imports on any event store engine: a generated Plausible export zip imported into a site, reports
 * over it equal to sums computed here from the generated CSV rows; native days take precedence over
 * imported ones in a mixed range; `imported=false` leaves imports out; re-importing replaces, delete
 * removes; an events CSV and an Umami export become events; hostile files fail with a reason.
 */

export interface ImportsEngine {
  open(): Promise<EventStore>;
  destroy?(): Promise<void>;
}

const FIRST = '2025-03-01';
const DAYS = 10;
const NATIVE_DAYS = [addDays(FIRST, 3), addDays(FIRST, 6)];
const NOW = Date.UTC(2025, 4, 1);
const METRICS = 'visitors,pageviews,sessions,bounce_rate,avg_duration,views_per_visit,events';
const DIMENSIONS = ['source', 'medium', 'page', 'entry_page', 'exit_page', 'event_name', 'country', 'device', 'browser', 'os'];
const PLURAL: Record<string, string> = {
  source: 'sources',
  medium: 'mediums',
  page: 'pages',
  entry_page: 'entry_pages',
  exit_page: 'exit_pages',
  event_name: 'events',
  country: 'countries',
  device: 'devices',
  browser: 'browsers',
  os: 'operating_systems',
};
const PATH_LIKE = new Set(['page', 'entry_page', 'exit_page']);

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
/** The metrics DESIGN §4 defines, from summed parts. */
function metricsOf(c: Counts) {
  return {
    visitors: c.visitors,
    pageviews: c.pageviews,
    sessions: c.visits,
    bounce_rate: c.visits ? round((100 * c.bounces) / c.visits, 1) : 0,
    avg_duration: c.visits ? Math.round(c.visit_duration / c.visits) : 0,
    views_per_visit: c.visits ? round(c.pageviews / c.visits, 2) : 0,
    events: c.events,
  };
}
const add = (a: Counts, b: Counts): Counts => ({
  visitors: a.visitors + b.visitors,
  pageviews: a.pageviews + b.pageviews,
  visits: a.visits + b.visits,
  bounces: a.bounces + b.bounces,
  visit_duration: a.visit_duration + b.visit_duration,
  events: a.events + b.events,
});

/** Native traffic on two days: sessions of 1-3 page views, some with a signup; none crosses midnight. */
function nativeEvents(siteId: string): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  let n = 0;
  for (const day of NATIVE_DAYS) {
    for (let v = 0; v < 12; v++) {
      const start = Date.parse(`${day}T10:00:00Z`) + v * 600_000;
      const views = 1 + (v % 3);
      const ev = (name: string, at: number, path: string) => {
        const e = emptyEvent({
          event_id: `0190f000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
          site_id: siteId,
          ts: at,
          received_at: at,
          name,
        });
        e.visitor_id = `nv-${day}-${v}`;
        e.session_id = `ns-${day}-${v}`;
        e.path = path;
        e.source = v % 2 ? 'Google' : '';
        e.country = 'DE';
        e.device_type = 'desktop';
        e.browser = 'Chrome';
        e.os = 'Windows';
        return e;
      };
      for (let i = 0; i < views; i++) out.push(ev('page_view', start + i * 60_000, i ? '/pricing' : '/'));
      if (v % 4 === 0) out.push(ev('Signup', start + views * 60_000, '/pricing'));
    }
  }
  return out;
}

/** The README's definitions over the native events (UTC site, sessions inside one day). */
function nativeCounts(events: CanonicalEvent[], keep: (e: CanonicalEvent) => boolean = () => true): Counts {
  const sessions = new Map<string, CanonicalEvent[]>();
  for (const e of events) sessions.set(e.session_id, [...(sessions.get(e.session_id) ?? []), e]);
  const c: Counts = { visitors: 0, pageviews: 0, visits: 0, bounces: 0, visit_duration: 0, events: 0 };
  const visitors = new Set<string>();
  for (const list of sessions.values()) {
    if (!list.some(keep)) continue;
    c.visits++;
    const views = list.filter((e) => e.name === 'page_view').length;
    if (views === 1 && list.length === 1) c.bounces++;
    c.visit_duration += (Math.max(...list.map((e) => e.ts)) - Math.min(...list.map((e) => e.ts))) / 1000;
  }
  for (const e of events.filter(keep)) {
    visitors.add(e.visitor_id);
    c.events++;
    if (e.name === 'page_view') c.pageviews++;
  }
  c.visitors = visitors.size;
  return c;
}

export function runImportsSuite(name: string, engine: ImportsEngine): void {
  describe(`imports on ${name}`, () => {
    let store: EventStore;
    let metaHandle: MetaEngineHandle;
    let meta: MetaStore;
    let site: SiteRecord;
    let other: SiteRecord;
    let imports: ImportService;
    let stats: StatsService;
    let exp: PlausibleExport;
    const statsOf = (params: Record<string, string> = {}, s: SiteRecord = site) =>
      stats.dashboard(s, {
        period: 'custom',
        start_date: FIRST,
        end_date: addDays(FIRST, DAYS - 1),
        metrics: METRICS,
        compare: 'false',
        limit: '1000',
        ...params,
      }) as Promise<DashboardStats>;
    const importZip = async (bytes: Uint8Array, source: 'plausible' | 'umami' | 'csv' = 'plausible', s = site) => {
      const job = await imports.start({ siteId: s.id, source, fileName: `${source}.zip`, bytes, userId: null });
      await imports.idle();
      return (await imports.get(s.id, job.id))!;
    };
    const count = async (table: string, siteId = site.id) =>
      Number((await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`, [siteId]))[0]?.n ?? 0);

    beforeAll(async () => {
      store = await engine.open();
      metaHandle = await openTestMeta('sqlite');
      meta = metaHandle.meta;
      const org = await meta.orgs.create('Imports');
      site = await meta.sites.create(org.id, { name: 'Imported', domain: 'imported.example' });
      other = await meta.sites.create(org.id, { name: 'Other', domain: 'other.example' });
      imports = new ImportService(store, meta, { now: () => NOW, log: () => {} });
      stats = new StatsService(store, { now: () => NOW, sharedResultsMs: 0 });
      exp = generatePlausibleExport('imports-suite', FIRST, DAYS);
    }, 60_000);

    afterAll(async () => {
      await store?.close();
      await metaHandle?.cleanup();
      await engine.destroy?.();
    });

    it('imports a Plausible export: every report over the range equals the sums of the CSV rows', async () => {
      const job = await importZip(exp.zip);
      expect(job).toMatchObject({ status: 'done', progress: 100, start_day: FIRST, end_day: addDays(FIRST, DAYS - 1), error: null });
      const all = new Set(exp.days);
      const res = await statsOf({ dimensions: DIMENSIONS.join(',') });
      expect(res.imported).toEqual({ available: true, included: true, days: DAYS });
      const kpis = Object.fromEntries(Object.entries(res.metrics).map(([k, v]) => [k, v.value]));
      expect(kpis).toEqual(metricsOf(expectedTotals(exp, all)));
      // Daily timeseries: each day its own imported row.
      for (const row of res.timeseries) {
        const t = metricsOf(expectedTotals(exp, new Set([String(row.date)])));
        expect([row.date, row.visitors, row.pageviews, row.sessions, row.bounce_rate]).toEqual([
          row.date,
          t.visitors,
          t.pageviews,
          t.sessions,
          t.bounce_rate,
        ]);
      }
      for (const dim of DIMENSIONS) {
        const expected = expectedBreakdown(exp, dim, all);
        const rows = res.dimensions[PLURAL[dim]!]!;
        const key = PATH_LIKE.has(dim) ? 'path' : 'name';
        expect(rows.length, dim).toBe(expected.size);
        for (const row of rows) {
          const e = expected.get(String(row[key]));
          expect(e, `${dim}=${row[key]}`).toBeDefined();
          const m = metricsOf(e!);
          const got = {
            visitors: row.visitors,
            pageviews: row.pageviews,
            sessions: row.sessions,
            bounce_rate: row.bounce_rate,
            avg_duration: row.avg_duration,
          };
          expect(got, `${dim}=${row[key]}`).toEqual({
            visitors: m.visitors,
            pageviews: m.pageviews,
            sessions: m.sessions,
            bounce_rate: m.bounce_rate,
            avg_duration: m.avg_duration,
          });
          if (dim === 'event_name') expect(row.events).toBe(m.events);
        }
        // Sorted by the first metric, descending.
        const visitors = rows.map((r) => Number(r.visitors));
        expect(visitors).toEqual([...visitors].sort((a, b) => b - a));
      }
      // A week interval adds each day into its ISO week.
      const weekly = await statsOf({ interval: 'week' });
      const byWeek = new Map<string, number>();
      for (const d of exp.days) {
        const dt = new Date(`${d}T00:00:00Z`);
        dt.setUTCDate(dt.getUTCDate() - ((dt.getUTCDay() + 6) % 7));
        const wk = dt.toISOString().slice(0, 10);
        byWeek.set(wk, (byWeek.get(wk) ?? 0) + expectedTotals(exp, new Set([d])).visitors);
      }
      expect(Object.fromEntries(weekly.timeseries.map((r) => [r.date, r.visitors]))).toEqual(Object.fromEntries(byWeek));
      // Another site sees nothing of it.
      const elsewhere = await statsOf({}, other);
      expect(elsewhere.metrics.visitors!.value).toBe(0);
      expect(elsewhere.imported).toBeUndefined();
    });

    it('a Query (POST /v1/query) takes imported rows for totals, a timeseries or one breakdown, and says when it cannot', async () => {
      const all = new Set(exp.days);
      const base = {
        site_id: site.id,
        date_range: { start: FIRST, end: addDays(FIRST, DAYS - 1) },
        metrics: ['visitors', 'pageviews', 'bounce_rate'],
      };
      const q = (extra: Record<string, unknown>) => stats.query(parseQuery({ ...base, ...extra }), site);
      const totals = await q({});
      const want = metricsOf(expectedTotals(exp, all));
      expect(totals.rows).toEqual([{ visitors: want.visitors, pageviews: want.pageviews, bounce_rate: want.bounce_rate }]);
      expect(totals.imported).toEqual({ available: true, included: true, days: DAYS });
      const daily = await q({ interval: 'day' });
      expect(daily.rows.map((r) => r.pageviews)).toEqual(exp.days.map((d) => expectedTotals(exp, new Set([d])).pageviews));
      // One breakdown, paged: the merged order, then offset and limit.
      const pages = expectedBreakdown(exp, 'page', all);
      const ranked = [...pages].sort((a, b) => b[1].visitors - a[1].visitors || Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
      const page2 = await q({ dimensions: ['page'], limit: 2, offset: 1 });
      expect(page2.rows.map((r) => [r.page, r.visitors])).toEqual(ranked.slice(1, 3).map(([k, v]) => [k, v.visitors]));
      for (const [extra, reason] of [
        [{ dimensions: ['page', 'country'] }, 'unsupported'],
        [{ dimensions: ['channel'] }, 'unsupported'],
        [{ order_by: [['visitors', 'asc']] }, 'unsupported'],
        [{ filters: ['is', 'country', ['DE']] }, 'filters'],
        [{ imported: false }, 'excluded'],
      ] as const) {
        const r = await q(extra);
        expect(r.imported, JSON.stringify(extra)).toEqual({ available: true, included: false, days: 0, reason });
      }
      expect((await q({ imported: false })).rows).toEqual([{ visitors: 0, pageviews: 0, bounce_rate: 0 }]);
    });

    it("the Plausible-compatible Stats API leaves imported data out unless include.imports asks, as Plausible's does", async () => {
      const body = (include: Record<string, boolean>) =>
        parsePlausibleQuery({
          site_id: site.domain,
          metrics: ['visitors', 'pageviews'],
          date_range: [FIRST, addDays(FIRST, DAYS - 1)],
          include,
        });
      const want = metricsOf(expectedTotals(exp, new Set(exp.days)));
      const plain = await runPlausibleQuery(stats, site, body({}), NOW);
      expect(plain.results).toEqual([{ metrics: [0, 0], dimensions: [] }]);
      expect(plain.meta.imports_included).toBeUndefined();
      const withImports = await runPlausibleQuery(stats, site, body({ imports: true }), NOW);
      expect(withImports.results).toEqual([{ metrics: [want.visitors, want.pageviews], dimensions: [] }]);
      expect(withImports.meta.imports_included).toBe(true);
    });

    it("native days are the site's local days; the comparison period counts its imported days too", async () => {
      const ny = await meta.sites.create(site.org_id, { name: 'NY', domain: 'ny.example', timezone: 'America/New_York' });
      expect((await importZip(exp.zip, 'plausible', ny)).status).toBe('done');
      // 02:00 UTC on the 5th is still the 4th in New York: that local day becomes native.
      const localDay = addDays(FIRST, 3);
      const e = emptyEvent({
        event_id: '0190f000-0000-7000-8000-ffffffffffff',
        site_id: ny.id,
        ts: Date.parse(`${addDays(FIRST, 4)}T02:00:00Z`),
        received_at: NOW,
        name: 'page_view',
      });
      e.visitor_id = 'ny-visitor';
      e.session_id = 'ny-session';
      e.path = '/';
      await store.write({ events: [e], raw: [], quarantine: [], drops: [] });
      const imported = new Set(exp.days.filter((d) => d !== localDay));
      const res = await statsOf({}, ny);
      expect(res.imported).toEqual({ available: true, included: true, days: DAYS - 1 });
      expect(res.metrics.visitors!.value).toBe(expectedTotals(exp, imported).visitors + 1);
      expect(res.metrics.pageviews!.value).toBe(expectedTotals(exp, imported).pageviews + 1);
      // The last five days compared with the five before: both periods made of imported days.
      const last = exp.days.slice(5);
      const before = exp.days.slice(0, 5).filter((d) => d !== localDay);
      const cmp = await statsOf({ start_date: last[0]!, end_date: last[4]!, compare: 'true' }, ny);
      expect(cmp.comparison_period).toEqual({ start: FIRST, end: addDays(FIRST, 4) });
      const cur = expectedTotals(exp, new Set(last)).pageviews;
      const prev = expectedTotals(exp, new Set(before)).pageviews + 1;
      expect(cmp.metrics.pageviews).toEqual({ value: cur, change: Math.round(((cur - prev) / prev) * 1000) / 10 });
    });

    it('re-importing the same file replaces it: nothing doubles, one job', async () => {
      const rowsBefore = await count('imported_stats');
      const before = await statsOf();
      const again = await importZip(exp.zip);
      expect(again.status).toBe('done');
      expect(await count('imported_stats')).toBe(rowsBefore);
      expect((await statsOf()).metrics).toEqual(before.metrics);
      expect((await imports.list(site.id)).filter((j) => j.source === 'plausible')).toHaveLength(1);
    });

    it('native days take precedence; the rest of the range adds imported days', async () => {
      const native = nativeEvents(site.id);
      await store.write({ events: native, raw: [], quarantine: [], drops: [] });
      const importedDays = new Set(exp.days.filter((d) => !NATIVE_DAYS.includes(d)));
      const res = await statsOf({ dimensions: 'source,page' });
      expect(res.imported).toEqual({ available: true, included: true, days: DAYS - NATIVE_DAYS.length });
      const kpis = Object.fromEntries(Object.entries(res.metrics).map(([k, v]) => [k, v.value]));
      expect(kpis).toEqual(metricsOf(add(expectedTotals(exp, importedDays), nativeCounts(native))));
      for (const row of res.timeseries) {
        const day = String(row.date);
        const want = NATIVE_DAYS.includes(day)
          ? metricsOf(nativeCounts(native, (e) => new Date(e.ts).toISOString().startsWith(day)))
          : metricsOf(expectedTotals(exp, new Set([day])));
        expect([day, row.visitors, row.pageviews, row.sessions]).toEqual([day, want.visitors, want.pageviews, want.sessions]);
      }
      const sources = expectedBreakdown(exp, 'source', importedDays);
      for (const row of res.dimensions.sources!) {
        const value = String(row.name);
        const nat = nativeCounts(native, (e) => e.source === value);
        const want = metricsOf(add(sources.get(value) ?? nativeCounts([]), nat));
        expect({ v: row.visitors, s: row.sessions, b: row.bounce_rate }, `source=${value}`).toEqual({
          v: want.visitors,
          s: want.sessions,
          b: want.bounce_rate,
        });
      }
      const pages = expectedBreakdown(exp, 'page', importedDays);
      for (const row of res.dimensions.pages!) {
        const value = String(row.path);
        const nat = nativeCounts(native, (e) => e.path === value);
        const want = add(pages.get(value) ?? nativeCounts([]), nat);
        expect({ v: row.visitors, p: row.pageviews }, `page=${value}`).toEqual({ v: want.visitors, p: want.pageviews });
      }
    });

    it('imported=false leaves imports out, and so do filters; the answer says why', async () => {
      const native = nativeEvents(site.id);
      const off = await statsOf({ imported: 'false' });
      expect(off.imported).toEqual({ available: true, included: false, days: 0, reason: 'excluded' });
      expect(Object.fromEntries(Object.entries(off.metrics).map(([k, v]) => [k, v.value]))).toEqual(metricsOf(nativeCounts(native)));
      const filtered = await statsOf({ filters: JSON.stringify({ country: 'DE' }) });
      expect(filtered.imported).toMatchObject({ included: false, reason: 'filters' });
      expect(filtered.metrics.visitors!.value).toBe(nativeCounts(native).visitors);
      // A period with native data only has nothing imported to mention.
      const nativeOnly = await statsOf({ start_date: NATIVE_DAYS[0]!, end_date: NATIVE_DAYS[0]! });
      expect(nativeOnly.imported).toBeUndefined();
    });

    it('an older export (fewer columns, other file names) imports too; unknown files and columns are ignored', async () => {
      const old = generatePlausibleExport('old-version', '2024-06-01', 3, 'old');
      const job = await importZip(old.zip, 'plausible', other);
      expect(job.status).toBe('done');
      const res = await statsOf({ start_date: '2024-06-01', end_date: '2024-06-03', dimensions: 'source,browser' }, other);
      const all = new Set(old.days);
      expect(res.metrics.visitors!.value).toBe(expectedTotals(old, all).visitors);
      expect(res.metrics.bounce_rate!.value).toBe(metricsOf(expectedTotals(old, all)).bounce_rate);
      const browsers = expectedBreakdown(old, 'browser', all);
      expect(Object.fromEntries(res.dimensions.browsers!.map((r) => [r.name, r.visitors]))).toEqual(
        Object.fromEntries([...browsers].map(([k, v]) => [k, v.visitors])),
      );
    });

    it('deleting an import removes its rows; reports fall back to native data', async () => {
      const [job] = (await imports.list(site.id)).filter((j) => j.source === 'plausible');
      const removed = await imports.delete(site.id, job!.id);
      expect(removed?.imported).toBeGreaterThan(0);
      expect(await count('imported_stats')).toBe(0);
      expect(await count('imported_stats', other.id)).toBeGreaterThan(0);
      const res = await statsOf();
      expect(res.imported).toBeUndefined();
      expect(res.metrics.visitors!.value).toBe(nativeCounts(nativeEvents(site.id)).visitors);
      expect(await imports.get(site.id, job!.id)).toBeNull();
    });

    it('an events CSV becomes events: counted like native ones, not doubled by a re-import, removed by delete', async () => {
      const lines = ['Timestamp,Name,URL,Referrer,utm_source,Country,Device,Browser,visitor_id,session_id,extra,Prop_Plan'];
      let expectedViews = 0;
      const visitors = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const ts = new Date(Date.UTC(2025, 2, 20, 8, i * 5)).toISOString();
        const isView = i % 5 !== 0;
        if (isView) expectedViews++;
        visitors.add(`u${i % 7}`);
        lines.push(
          `${ts},${isView ? '' : 'Signup'},https://imported.example/p${i % 3}?q=1,https://www.google.com/search,,de,Mobile,Firefox,u${i % 7},,x,${isView ? '' : 'gold'}`,
        );
      }
      lines.push('not a time,page_view,/x,,,,,,,,');
      const csv = strToU8(`${lines.join('\n')}\n`);
      const job = await importZip(csv, 'csv');
      expect(job).toMatchObject({ status: 'done', rows: 40, skipped: 1 });
      expect(job.error).toContain('line 42');
      const day = { start_date: '2025-03-20', end_date: '2025-03-20', dimensions: 'source,country,device' };
      const res = await statsOf(day);
      expect(res.metrics.pageviews!.value).toBe(expectedViews);
      expect(res.metrics.visitors!.value).toBe(visitors.size);
      expect(res.metrics.events!.value).toBe(40);
      expect(res.dimensions.sources!.map((r) => r.name)).toEqual(['Google']);
      expect(res.dimensions.countries!.map((r) => r.name)).toEqual(['DE']);
      expect(res.dimensions.devices!.map((r) => r.name)).toEqual(['mobile']);
      const plans = await statsOf({ ...day, metrics: 'events', dimensions: 'props:plan' });
      expect(Object.fromEntries(plans.dimensions['props:plan']!.map((r) => [r.name, r.events]))).toEqual({
        gold: 40 - expectedViews,
        '': expectedViews,
      });
      const again = await importZip(csv, 'csv');
      expect(again.id).toBe(job.id);
      expect((await statsOf(day)).metrics.events!.value).toBe(40);
      await imports.delete(site.id, job.id);
      expect((await statsOf(day)).metrics.events!.value).toBe(0);
      // Imported again after the delete, it is all back.
      const third = await importZip(csv, 'csv');
      expect(third.status).toBe('done');
      expect((await statsOf(day)).metrics.events!.value).toBe(40);
      await imports.delete(site.id, third.id);
    });

    it("Umami's export zip becomes events: page views and custom events, visits as sessions", async () => {
      const header =
        'website_id,session_id,visit_id,event_id,hostname,browser,os,device,screen,language,country,subdivision1,subdivision2,city,url_path,url_query,referrer_path,referrer_query,referrer_domain,page_title,event_type,event_name,created_at';
      const rows = [header];
      for (let v = 0; v < 5; v++)
        for (let i = 0; i < 3; i++)
          rows.push(
            `w,s${v},visit${v},e${v}${i},umami.example,chrome,Windows 10,laptop,1920x1080,en-US,FR,,,Paris,/page${i},,/,,news.ycombinator.com,T,${i === 2 ? 2 : 1},${i === 2 ? 'Buy' : ''},2025-03-21 12:0${i}:0${v}`,
          );
      const data = [
        'website_id,session_id,event_id,url_path,event_name,data_key,string_value,number_value,date_value,data_type,created_at',
      ];
      for (let v = 0; v < 5; v++) data.push(`w,s${v},e${v}2,/page2,Buy,plan,${v % 2 ? 'pro' : 'basic'},,,1,2025-03-21 12:02:0${v}`);
      const zip = zipSync({
        'website_event.csv': strToU8(rows.join('\n')),
        'event_data.csv': strToU8(data.join('\n')),
        'session_data.csv': strToU8(''),
      });
      const job = await importZip(zip, 'umami');
      expect(job).toMatchObject({ status: 'done', rows: 15 });
      const res = await statsOf({ start_date: '2025-03-21', end_date: '2025-03-21', dimensions: 'event_name,browser,device' });
      expect(res.metrics.visitors!.value).toBe(5);
      expect(res.metrics.sessions!.value).toBe(5);
      expect(res.metrics.pageviews!.value).toBe(10);
      expect(res.metrics.bounce_rate!.value).toBe(0);
      expect(res.metrics.avg_duration!.value).toBe(120);
      expect(Object.fromEntries(res.dimensions.events!.map((r) => [r.name, r.events]))).toEqual({ page_view: 10, Buy: 5 });
      expect(res.dimensions.browsers!.map((r) => r.name)).toEqual(['Chrome']);
      expect(res.dimensions.devices!.map((r) => r.name)).toEqual(['desktop']);
      // Umami's event data become the events' properties.
      const props = await statsOf({ start_date: '2025-03-21', end_date: '2025-03-21', metrics: 'events', dimensions: 'props:plan' });
      expect(Object.fromEntries(props.dimensions['props:plan']!.map((r) => [r.name, r.events]))).toEqual({ basic: 3, pro: 2, '': 10 });
      await imports.delete(site.id, job.id);
    });

    it('hostile files: a zip bomb, malformed CSV, a non-zip and numbers that are not counts fail with a reason', async () => {
      const small = new ImportService(store, meta, {
        now: () => NOW,
        zipLimits: { maxEntries: 50, maxTotalBytes: 1 << 20 },
        log: () => {},
      });
      const run = async (bytes: Uint8Array, source: 'plausible' | 'csv' = 'plausible') => {
        const job = await small.start({ siteId: other.id, source, fileName: 'x', bytes, userId: null });
        await small.idle();
        return (await small.get(other.id, job.id))!;
      };
      const bomb = zipSync({ 'imported_visitors_20250101_20250101.csv': new Uint8Array(8 << 20) }, { level: 9 });
      expect(bomb.length).toBeLessThan(100_000);
      expect(await run(bomb)).toMatchObject({ status: 'failed', error: expect.stringContaining('inflates to more than') });
      const many = zipSync(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}.txt`, strToU8('x')])));
      expect(await run(many)).toMatchObject({ status: 'failed', error: expect.stringContaining('more than 50 entries') });
      const badCsv = zipSync({ 'imported_visitors.csv': strToU8('date,visitors\n2025-01-01,"unclosed\n') });
      expect(await run(badCsv)).toMatchObject({ status: 'failed', error: expect.stringContaining('imported_visitors.csv') });
      const negative = zipSync({ 'imported_visitors.csv': strToU8('date,visitors\n2025-01-01,-5\n') });
      expect(await run(negative)).toMatchObject({ status: 'failed', error: expect.stringContaining('whole number') });
      const noVisitors = zipSync({ 'imported_pages.csv': strToU8('date,page,visitors\n') });
      expect(await run(noVisitors)).toMatchObject({ status: 'failed', error: expect.stringContaining('imported_visitors') });
      expect(await run(strToU8('garbage, not a csv "'), 'csv')).toMatchObject({ status: 'failed' });
      await expect(
        small.start({ siteId: other.id, source: 'plausible', fileName: 'x', bytes: strToU8('plain text'), userId: null }),
      ).rejects.toThrow(/zip/);
      // Nothing of the failed files was stored.
      expect(await count('imported_stats', other.id)).toBe(
        Number(
          (
            await store.query<{ n: number }>("SELECT count(*) AS n FROM imported_stats WHERE site_id = ? AND day LIKE '2024-06-%'", [
              other.id,
            ])
          )[0]?.n,
        ),
      );
    });
  });
}
