import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationSchema, dashboardStatsSchema, emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';

/**
 * Annotations and stats exports over HTTP on a real server (SQLite metadata, DuckDB events):
 * CRUD with roles, keys and tenancy; annotations laid into the stats timeseries in the site's time
 * zone; `format=csv|json|xml` checked against counts computed here from the events written.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let owner: Client;
let viewer: Client;
let stranger: Client;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let site: { id: string };
let strangerSite: { id: string };
let readKey: string;
let writeKey: string;
const PW = 'correct horse battery';
const TZ = 'Asia/Kolkata'; // +05:30 all year: local midnight is 18:30 UTC the day before
const OFFSET_MS = 5.5 * 3_600_000;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => dayOf(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000);
/** Yesterday in the site's zone. */
const D = addDays(dayOf(Date.now() + OFFSET_MS), -1);
/** The day before, without events. */
const dayBefore = addDays(D, -1);
const HOSTILE_PATH = '=HYPERLINK("http://evil.example","x")';
const PATHS = ['/', '/pricing', '/docs/a', '/blog', HOSTILE_PATH];

/** Deterministic visits on day D (local): visitor i sees pages (i*7+k) % 5 for k < 1 + i % 3. */
function events(siteId: string): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  const start = Date.parse(`${D}T00:00:00Z`) - OFFSET_MS;
  let n = 0;
  for (let i = 0; i < 40; i++) {
    for (let k = 0; k < 1 + (i % 3); k++) {
      n += 1;
      const ts = start + (i % 24) * 3_600_000 + k * 60_000 + 1000;
      const e = emptyEvent({
        event_id: `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        site_id: siteId,
        ts,
        received_at: ts,
        name: 'page_view',
      });
      e.visitor_id = `v${i}`;
      e.session_id = `v${i}-s`;
      e.path = PATHS[(i * 7 + k) % PATHS.length]!;
      e.host = 'example.com';
      out.push(e);
    }
  }
  return out;
}

/** Visitors per path and pageviews per hour bucket, computed from the events themselves. */
function expected(evs: CanonicalEvent[]) {
  const visitors = new Map<string, Set<string>>();
  const perHour = new Map<string, number>();
  for (const e of evs) {
    if (!visitors.has(e.path)) visitors.set(e.path, new Set());
    visitors.get(e.path)!.add(e.visitor_id);
    const local = new Date(e.ts + OFFSET_MS).toISOString();
    const key = `${local.slice(0, 10)} ${local.slice(11, 13)}:00:00`;
    perHour.set(key, (perHour.get(key) ?? 0) + 1);
  }
  return { visitors: new Map([...visitors].map(([p, s]) => [p, s.size])), perHour };
}

let written: CanonicalEvent[] = [];

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  const reg = await signUp(srv.url, 'owner@example.com', PW, { org_name: 'Acme' });
  owner = reg.client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', PW, { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'example.com', timezone: TZ })).body;
  strangerSite = (await stranger.post('/api/sites', { domain: 'stranger.example', timezone: 'UTC' })).body;
  const inv = await owner.post(`/api/orgs/${reg.me.current_org.id}/invitations`, { email: 'vic@example.com', role: 'viewer' });
  viewer = new Client(srv.url);
  expect((await viewer.post('/api/auth/register', { email: 'vic@example.com', password: PW, invitation: inv.body.token })).status).toBe(
    201,
  );
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  writeKey = (await owner.post('/api/keys', { name: 'deploys', permissions: ['write'] })).body.key;
  written = events(site.id);
  await srv.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const ann = (siteId: string) => `/api/sites/${siteId}/annotations`;

describe('annotations', () => {
  it('CRUD: members write, viewers read, other organizations see nothing, bad input is a coded 400', async () => {
    const r = await owner.post(ann(site.id), { date: D, title: 'Release 2.0', category: 'release', description: 'New pricing' });
    expect(r.status, r.text).toBe(201);
    const a = annotationSchema.parse(r.body);
    // A plain date is local midnight in the site's zone.
    expect(a.date).toBe(new Date(Date.parse(`${D}T00:00:00Z`) - OFFSET_MS).toISOString());
    expect((await viewer.get(ann(site.id))).body.annotations.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect((await viewer.post(ann(site.id), { date: D, title: 'x' })).status).toBe(403);
    const patched = await owner.patch(`${ann(site.id)}/${a.id}`, { title: 'Release 2.0.1', description: null });
    expect(patched.body).toMatchObject({ title: 'Release 2.0.1', description: null, category: 'release' });
    for (const bad of [
      { date: '2026-13-01', title: 'x' },
      { date: D, title: '' },
      { date: D, title: 'x', category: 'party' },
      { date: D, title: 'x', extra: 1 },
    ]) {
      const b = await owner.post(ann(site.id), bad);
      expect(b.status, JSON.stringify(bad)).toBe(400);
      expect(b.body).toMatchObject({ success: false, error: { code: expect.any(String) } });
    }
    // Another organization: the site, the annotation and its listing are not found.
    expect((await stranger.get(ann(site.id))).status).toBe(404);
    expect((await stranger.get(`${ann(site.id)}/${a.id}`)).status).toBe(404);
    expect((await stranger.del(`${ann(site.id)}/${a.id}`)).status).toBe(404);
    expect((await stranger.get(`${ann(strangerSite.id)}/${a.id}`)).status).toBe(404);
    const tmp = await owner.post(ann(site.id), { date: D, title: 'Oops' });
    expect((await owner.del(`${ann(site.id)}/${tmp.body.id}`)).status).toBe(204);
    expect((await owner.get(`${ann(site.id)}/${tmp.body.id}`)).status).toBe(404);
  });

  it('a deploy pipeline adds one with a write key; a read key lists but cannot add', async () => {
    const at = `${D}T10:45:00Z`;
    const c = new Client(srv.url, { origin: null });
    const r = await c.post(`/v1/sites/${site.id}/annotations`, { date: at, title: 'Deploy abc123', category: 'release' }, bearer(writeKey));
    expect(r.status, r.text).toBe(201);
    expect(r.body.date).toBe(new Date(at).toISOString());
    expect((await c.post(`/v1/sites/${site.id}/annotations`, { date: at, title: 'x' }, bearer(readKey))).status).toBe(403);
    const list = await c.get(`/v1/sites/${site.id}/annotations`, bearer(readKey));
    expect(list.body.annotations.map((x: { title: string }) => x.title)).toEqual(['Release 2.0.1', 'Deploy abc123']);
  });

  it('the stats timeseries carries the annotations of the period, each in its local bucket', async () => {
    const q = (extra: string) =>
      owner.get(`/api/sites/${site.id}/stats?period=custom&start_date=${D}&end_date=${D}&metrics=pageviews&${extra}`);
    const hourly = dashboardStatsSchema.parse((await q('interval=hour')).body);
    const byTitle = Object.fromEntries((hourly.annotations ?? []).map((a) => [a.title, a.bucket]));
    // 10:45 UTC is 16:15 in Kolkata.
    expect(byTitle).toEqual({ 'Release 2.0.1': `${D} 00:00:00`, 'Deploy abc123': `${D} 16:00:00` });
    for (const a of hourly.annotations ?? []) expect(hourly.timeseries.some((r) => r.date === a.bucket)).toBe(true);
    const monday = (() => {
      const dow = new Date(`${D}T00:00:00Z`).getUTCDay();
      return addDays(D, -((dow + 6) % 7));
    })();
    const weekly = (await q('interval=week')).body;
    expect(weekly.annotations.map((a: { bucket: string }) => a.bucket)).toEqual([monday, monday]);
    const monthly = (await q('interval=month')).body;
    expect(monthly.annotations.map((a: { bucket: string }) => a.bucket)).toEqual([`${D.slice(0, 8)}01`, `${D.slice(0, 8)}01`]);
    // Outside the period: none.
    const before = addDays(D, -5);
    const earlier = await owner.get(`/api/sites/${site.id}/stats?period=custom&start_date=${before}&end_date=${before}&metrics=pageviews`);
    expect(earlier.body.annotations).toEqual([]);
    // The public API's stats carry them too.
    const v1 = await new Client(srv.url).get(
      `/v1/sites/${site.id}/stats?period=custom&start_date=${D}&end_date=${D}&metrics=pageviews`,
      bearer(readKey),
    );
    expect(v1.body.annotations).toHaveLength(2);
  });
});

describe('stats exports', () => {
  const statsUrl = (extra: string) => `/api/sites/${site.id}/stats?period=custom&start_date=${D}&end_date=${D}&${extra}`;

  it('format=csv of a breakdown: one row per page, visitors as counted here; formulas neutralised', async () => {
    const r = await owner.get(statsUrl('metrics=visitors,pageviews&dimensions=page&format=csv&limit=100'));
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="stats-.*\.csv"$/);
    const rows = parseCsv(r.text, { columns: true }) as Array<Record<string, string>>;
    const want = expected(written).visitors;
    const got = new Map(rows.map((x) => [x.path!.startsWith("'") ? x.path!.slice(1) : x.path!, Number(x.visitors)]));
    expect(got).toEqual(want);
    expect(rows.find((x) => x.path!.includes('HYPERLINK'))!.path).toBe(`'${HOSTILE_PATH}`);
  });

  it('format=csv without a dimension is the timeseries; json is the whole answer; xml parses to the same numbers', async () => {
    const csv = await owner.get(statsUrl('metrics=pageviews&interval=hour&format=csv'));
    const rows = parseCsv(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(24);
    const perHour = expected(written).perHour;
    for (const row of rows) expect(Number(row.pageviews), row.date).toBe(perHour.get(row.date!) ?? 0);

    const json = await owner.get(statsUrl('metrics=pageviews,visitors&interval=hour&format=json'));
    expect(json.headers.get('content-disposition')).toMatch(/\.json"$/);
    const plain = await owner.get(statsUrl('metrics=pageviews,visitors&interval=hour'));
    expect(json.body).toEqual(plain.body);

    const xml = await owner.get(statsUrl('metrics=pageviews,visitors&interval=hour&dimensions=page&format=xml'));
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['metric', 'row', 'breakdown', 'annotation'].includes(name),
    }).parse(xml.text);
    const metrics = Object.fromEntries(doc.stats.metrics.metric.map((m: Record<string, string>) => [m['@_name'], Number(m['@_value'])]));
    expect(metrics.pageviews).toBe(written.length);
    expect(metrics.visitors).toBe(new Set(written.map((e) => e.visitor_id)).size);
    const pages = doc.stats.breakdowns.breakdown[0].row as Array<{ path: string; visitors: number }>;
    expect(new Map(pages.map((p) => [String(p.path), Number(p.visitors)]))).toEqual(expected(written).visitors);
    expect(doc.stats.annotations.annotation.map((a: { title: string }) => a.title)).toEqual(['Release 2.0.1', 'Deploy abc123']);
  });

  it('format=csv of a breakdown with no rows still has its header line: the value column and the metrics asked for', async () => {
    // The day before the events: nothing matches.
    const empty = (extra: string) => `/api/sites/${site.id}/stats?period=custom&start_date=${dayBefore}&end_date=${dayBefore}&${extra}`;
    const pages = await owner.get(empty('metrics=visitors,pageviews&dimensions=page&format=csv'));
    expect(pages.status, pages.text).toBe(200);
    expect(pages.text.trim()).toBe('path,visitors,pageviews');
    const sources = await owner.get(empty('metrics=visitors&dimensions=source&format=csv'));
    expect(sources.text.trim()).toBe('name,visitors');
    const both = await owner.get(empty('metrics=visitors&dimensions=page,country&format=csv'));
    expect(both.text.trim()).toBe('dimension,path,name,visitors');
    // With rows, the same columns lead.
    const full = await owner.get(statsUrl('metrics=visitors,pageviews&dimensions=page&format=csv&limit=100'));
    expect(full.text.split('\n')[0]).toBe('path,visitors,pageviews');
  });

  it('an unknown format is a coded 400; the public API exports too', async () => {
    const bad = await owner.get(statsUrl('metrics=pageviews&format=pdf'));
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    const v1 = await new Client(srv.url).get(
      `/v1/sites/${site.id}/stats?period=custom&start_date=${D}&end_date=${D}&metrics=visitors&dimensions=page&format=csv`,
      bearer(readKey),
    );
    expect(v1.status).toBe(200);
    expect(parseCsv(v1.text, { columns: true })).toHaveLength(PATHS.length);
    expect((await stranger.get(statsUrl('metrics=pageviews&format=csv'))).status).toBe(404);
  });
});
