import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { plausibleResponseSchema } from '../src/compat';

/**
 * The Plausible-compatible Stats API (`POST /api/v2/query`) over a fixture sent through the collector:
 * every number is checked against a count computed here from the fixture, and against our own
 * `/v1/query`. Runs on DuckDB here and on ClickHouse in scaleout-dropins.test.ts.
 */
let s: CollectServer;
const DAYS = ['2026-11-10', '2026-11-11', '2026-11-12'];
const PAGES = ['/', '/a', '/b', '/c'];

interface Sent {
  visitor: string;
  session: string;
  day: string;
  ts: number;
  name: string;
  path: string;
  plan?: string;
}
const sent: Sent[] = [];

beforeAll(async () => {
  s = await startCollectServer();
  // 12 visitors, each with a session on one or two days; page views and some Signup events.
  for (let v = 0; v < 12; v++) {
    const days = v % 3 === 0 ? [DAYS[0]!, DAYS[2]!] : [DAYS[v % 3]!];
    days.forEach((day, k) => {
      const start = Date.parse(`${day}T${String(8 + v).padStart(2, '0')}:00:00Z`);
      const session = `s-${v}-${k}`;
      const views = 1 + ((v + k) % 3);
      for (let i = 0; i < views; i++)
        sent.push({ visitor: `v${v}`, session, day, ts: start + i * 60_000, name: 'page_view', path: PAGES[(v + i) % PAGES.length]! });
      if (v % 4 === 1)
        sent.push({
          visitor: `v${v}`,
          session,
          day,
          ts: start + 5 * 60_000,
          name: 'Signup',
          path: '/a',
          plan: v % 8 === 1 ? 'pro' : 'free',
        });
    });
  }
  const events = sent.map((e) => ({
    event_id: crypto.randomUUID(),
    event_type: e.name === 'page_view' ? 'page_view' : 'custom',
    user_id: e.visitor,
    session_id: e.session,
    timestamp: e.ts,
    properties: { url: `https://example.com${e.path}`, ...(e.name === 'page_view' ? {} : { event_name: e.name, plan: e.plan }) },
  }));
  const r = await s.request('POST', '/api/v1/collect', { events }, { 'x-api-key': s.keys.write, 'content-type': 'application/json' });
  expect(r.status, r.text).toBe(200);
  expect(r.body.events_processed).toBe(sent.length);
});
afterAll(async () => {
  await s?.cleanup();
});

const range = [DAYS[0], DAYS[2]];
const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const v2 = (body: unknown, key = s.keys.read) => s.request('POST', '/api/v2/query', body, bearer(key));
async function ok(body: Record<string, unknown>) {
  const r = await v2({ site_id: 'example.com', date_range: range, ...body });
  expect(r.status, r.text).toBe(200);
  plausibleResponseSchema.parse(r.body); // the documented shape
  return r.body as {
    results: Array<{ metrics: number[]; dimensions: string[] }>;
    meta: Record<string, unknown>;
    query: Record<string, unknown>;
  };
}
async function ours(body: Record<string, unknown>) {
  const r = await s.request(
    'POST',
    '/v1/query',
    { site_id: s.site.id, date_range: { start: DAYS[0], end: DAYS[2] }, ...body },
    bearer(s.keys.read),
  );
  expect(r.status, r.text).toBe(200);
  return r.body.rows as Array<Record<string, any>>;
}
const distinct = (xs: string[]) => new Set(xs).size;

describe('POST /api/v2/query', () => {
  it('aggregates: visitors, visits, pageviews, events equal the fixture; ratios equal our own stats', async () => {
    const r = await ok({ metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration', 'views_per_visit'] });
    expect(r.results).toHaveLength(1);
    const [visitors, visits, pageviews, events, bounce, duration, vpv] = r.results[0]!.metrics;
    expect(r.results[0]!.dimensions).toEqual([]);
    expect(visitors).toBe(distinct(sent.map((e) => e.visitor)));
    expect(visits).toBe(distinct(sent.map((e) => e.session)));
    expect(pageviews).toBe(sent.filter((e) => e.name === 'page_view').length);
    expect(events).toBe(sent.length);
    const [mine] = await ours({ metrics: ['bounce_rate', 'avg_duration', 'views_per_visit'] });
    expect([bounce, duration, vpv]).toEqual([mine!.bounce_rate, mine!.avg_duration, mine!.views_per_visit]);
    // Bounce rate from the fixture: sessions with one page view and no other event.
    const sessions = new Map<string, Sent[]>();
    for (const e of sent) sessions.set(e.session, [...(sessions.get(e.session) ?? []), e]);
    const bounces = [...sessions.values()].filter((es) => es.length === 1 && es[0]!.name === 'page_view').length;
    expect(bounce).toBe(Math.round((bounces / sessions.size) * 1000) / 10); // one decimal, as we round
    expect(r.query).toMatchObject({
      site_id: 'example.com',
      metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration', 'views_per_visit'],
    });
    expect(r.query.date_range).toEqual(['2026-11-10T00:00:00+00:00', '2026-11-12T23:59:59+00:00']);
  });

  it('breaks down by event:page with order_by, pagination and total_rows', async () => {
    const byPage = new Map<string, { views: number; visitors: Set<string> }>();
    for (const e of sent) {
      const p = byPage.get(e.path) ?? { views: 0, visitors: new Set() };
      if (e.name === 'page_view') p.views++;
      p.visitors.add(e.visitor);
      byPage.set(e.path, p);
    }
    const expected = [...byPage].map(([path, p]) => ({ dimensions: [path], metrics: [p.views, p.visitors.size] }));
    expected.sort((a, b) => b.metrics[0]! - a.metrics[0]! || a.dimensions[0]!.localeCompare(b.dimensions[0]!));
    const all = await ok({
      metrics: ['pageviews', 'visitors'],
      dimensions: ['event:page'],
      order_by: [
        ['pageviews', 'desc'],
        ['event:page', 'asc'],
      ],
    });
    expect(all.results).toEqual(expected);
    const page = await ok({
      metrics: ['pageviews', 'visitors'],
      dimensions: ['event:page'],
      order_by: [
        ['pageviews', 'desc'],
        ['event:page', 'asc'],
      ],
      pagination: { limit: 2, offset: 1 },
      include: { total_rows: true },
    });
    expect(page.results).toEqual(expected.slice(1, 3));
    expect(page.meta.total_rows).toBe(expected.length);
    // percentage: each page's visitors as a share of all visitors.
    const everyone = distinct(sent.map((e) => e.visitor));
    const shares = await ok({
      metrics: ['visitors', 'percentage'],
      dimensions: ['event:page'],
      order_by: [
        ['percentage', 'desc'],
        ['event:page', 'asc'],
      ],
    });
    const byShare = [...byPage]
      .map(([path, p]) => ({ dimensions: [path], metrics: [p.visitors.size, Math.round((p.visitors.size / everyone) * 1000) / 10] }))
      .sort((a, b) => b.metrics[0]! - a.metrics[0]! || a.dimensions[0]!.localeCompare(b.dimensions[0]!));
    expect(shares.results).toEqual(byShare);
    expect((await v2({ site_id: 'example.com', date_range: range, metrics: ['percentage'] })).status).toBe(400);
  });

  it('a time:day series leaves out days without data; time_labels lists every day', async () => {
    const r = await ok({
      metrics: ['visitors', 'pageviews'],
      dimensions: ['time:day'],
      date_range: [DAYS[0], '2026-11-14'],
      include: { time_labels: true },
    });
    const expected = DAYS.map((day) => ({
      dimensions: [day],
      metrics: [
        distinct(sent.filter((e) => e.day === day).map((e) => e.visitor)),
        sent.filter((e) => e.day === day && e.name === 'page_view').length,
      ],
    }));
    expect(r.results).toEqual(expected);
    expect(r.meta.time_labels).toEqual([...DAYS, '2026-11-13', '2026-11-14']);
  });

  it('filters: event:name and custom properties, contains_not, or', async () => {
    const signups = sent.filter((e) => e.name === 'Signup');
    const r = await ok({
      metrics: ['events', 'visitors'],
      dimensions: ['event:props:plan'],
      filters: [['is', 'event:name', ['Signup']]],
      order_by: [['event:props:plan', 'asc']],
    });
    expect(r.results).toEqual(
      ['free', 'pro'].map((plan) => ({
        dimensions: [plan],
        metrics: [signups.filter((e) => e.plan === plan).length, distinct(signups.filter((e) => e.plan === plan).map((e) => e.visitor))],
      })),
    );
    const notA = await ok({ metrics: ['pageviews'], filters: [['contains_not', 'event:page', ['/a']]] });
    expect(notA.results[0]!.metrics).toEqual([sent.filter((e) => e.name === 'page_view' && !e.path.includes('/a')).length]);
    const either = await ok({
      metrics: ['pageviews'],
      filters: [
        [
          'or',
          [
            ['is', 'event:page', ['/b']],
            ['is', 'event:page', ['/c']],
          ],
        ],
      ],
    });
    expect(either.results[0]!.metrics).toEqual([sent.filter((e) => e.name === 'page_view' && (e.path === '/b' || e.path === '/c')).length]);
  });

  it('goals by name: the event:goal dimension and filter, conversion_rate', async () => {
    await s.ctx.meta.goals.create(s.site.id, { name: 'Signed up', type: 'event', match: { event_name: 'Signup' }, value: null } as never);
    const converted = distinct(sent.filter((e) => e.name === 'Signup').map((e) => e.visitor));
    const everyone = distinct(sent.map((e) => e.visitor));
    const rate = Math.round((converted / everyone) * 1000) / 10;
    const byGoal = await ok({ metrics: ['visitors', 'conversion_rate'], dimensions: ['event:goal'] });
    expect(byGoal.results).toEqual([{ dimensions: ['Signed up'], metrics: [converted, rate] }]);
    const filtered = await ok({ metrics: ['visitors', 'conversion_rate'], filters: [['is', 'event:goal', ['Signed up']]] });
    expect(filtered.results).toEqual([{ dimensions: [], metrics: [converted, rate] }]);
  });

  it('answers a clear 400 for what this server does not do', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ metrics: ['group_conversion_rate'] }, /group_conversion_rate/],
      [{ metrics: ['visitors'], filters: [['is', 'event:goal', ['Nope']]] }, /goal `Nope` is not configured/],
      [{ metrics: ['visitors'], dimensions: ['visit:country_name'] }, /visit:country_name/],
      [{ metrics: ['visitors'], filters: [['has_done', 'event:name', ['x']]] }, /has_done/],
      [{ metrics: ['visitors'], date_range: ['2026-11-10T00:00:00Z', '2026-11-12T00:00:00Z'] }, /date-times/],
      [{ metrics: ['visitors'], date_range: 'fortnight' }, /fortnight/],
      [{ metrics: ['visitors'], include: { time_labels: true } }, /time dimension/],
      [{ metrics: ['visitors'], order_by: [['pageviews', 'desc']] }, /order_by/],
      [{ metrics: ['visitors'], filters: [['is', 'event:page', ['/'], { case_sensitive: false }]] }, /modifiers/],
      [{ metrics: [] }, /metrics/],
    ];
    for (const [body, message] of cases) {
      const r = await v2({ site_id: 'example.com', date_range: range, ...body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.success).toBe(false);
      expect(r.body.error.message).toMatch(message);
    }
  });

  it('needs a read key or session, and finds the site only among the caller’s own', async () => {
    const body = { site_id: 'example.com', metrics: ['visitors'], date_range: range };
    expect((await s.request('POST', '/api/v2/query', body, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await v2(body, s.keys.write)).status).toBe(403);
    // Another organization naming our domain sees nothing of ours.
    expect((await v2(body, s.keys.otherOrg)).status).toBe(404);
    expect((await v2({ ...body, site_id: 'other.org' }, s.keys.read)).status).toBe(404);
    expect((await v2({ ...body, site_id: s.site.tracking_id })).status).toBe(200);
    const www = await v2({ ...body, site_id: 'www.example.com' });
    expect(www.status).toBe(200);
    expect(www.body.results[0].metrics[0]).toBe(distinct(sent.map((e) => e.visitor)));
  });
});
