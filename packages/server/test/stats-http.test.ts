import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardStatsSchema, queryResultSchema, rawEventsPageSchema, realtimeSnapshotSchema, emptyEvent } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { fixtureEvents, SITE_A, SITE_B } from './helpers/stats-fixture';

/**
 * The read API over HTTP: dashboard stats (§7.2.3), realtime and its stream (§7.2.4), the public API
 * (§7.4) with API keys, the OpenAPI document and docs page — on a real server with the fixture data.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let owner: Client;
let stranger: Client;
let siteA: { id: string };
let siteB: { id: string };
let strangerSite: { id: string };
let readKey: string;
let siteBKey: string;
let writeKey: string;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;

const P = 'period=custom&start_date=2024-01-15&end_date=2024-01-16';

beforeAll(async () => {
  // Open sign-up confirms e-mail addresses: the second account follows the link the mail sink caught.
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  const mk = async (c: Client, domain: string, timezone: string) => {
    const r = await c.post('/api/sites', { domain, timezone });
    if (r.status !== 201) throw new Error(`create site ${r.status} ${r.text}`);
    return r.body as { id: string };
  };
  siteA = await mk(owner, 'example.com', SITE_A.timezone);
  siteB = await mk(owner, 'example.in', SITE_B.timezone);
  strangerSite = await mk(stranger, 'stranger.example', 'UTC');
  const key = async (body: Record<string, unknown>) => {
    const r = await owner.post('/api/keys', body);
    if (r.status !== 201) throw new Error(`create key ${r.status} ${r.text}`);
    return r.body.key as string;
  };
  readKey = await key({ name: 'reader', permissions: ['read'] });
  siteBKey = await key({ name: 'site b', permissions: ['read'], site_id: siteB.id });
  writeKey = await key({ name: 'ingest', permissions: ['write'] });
  const ids: Record<string, string> = { [SITE_A.id]: siteA.id, [SITE_B.id]: siteB.id };
  // The fixture, filed under the real sites; plus the same events under the stranger's site, which must never leak.
  const events = fixtureEvents()
    .filter((e) => ids[e.site_id])
    .map((e) => ({ ...e, site_id: ids[e.site_id] }));
  const foreign = fixtureEvents()
    .filter((e) => ids[e.site_id])
    .map((e, i) => ({ ...e, site_id: strangerSite.id, event_id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
  await srv.ctx.events.write({ events: [...events, ...foreign], raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const anon = () => new Client(srv.url);

describe('GET /api/sites/{id}/stats', () => {
  it('answers KPIs with change, a zero-filled timeseries and breakdowns in the PRD shape', async () => {
    const r = await owner.get(
      `/api/sites/${siteA.id}/stats?${P}&metrics=visitors,pageviews,sessions,bounce_rate,visit_duration&dimensions=page,source,country&interval=day&limit=3`,
    );
    expect(r.status).toBe(200);
    const body = dashboardStatsSchema.parse(r.body);
    expect(body.period).toEqual({ start: '2024-01-15', end: '2024-01-16' });
    expect(body.comparison_period).toEqual({ start: '2024-01-13', end: '2024-01-14' });
    expect(body.metrics).toEqual({
      visitors: { value: 5, change: 66.7 },
      pageviews: { value: 11, change: 175 },
      sessions: { value: 5, change: 66.7 },
      bounce_rate: { value: 20, change: -39.9 },
      avg_duration: { value: 926, change: 21.8 },
    });
    expect(body.timeseries).toEqual([
      { date: '2024-01-15', visitors: 4, pageviews: 6, sessions: 3, bounce_rate: 33.3, avg_duration: 133 },
      { date: '2024-01-16', visitors: 2, pageviews: 5, sessions: 2, bounce_rate: 0, avg_duration: 2115 },
    ]);
    expect(body.dimensions.pages.map((x) => [x.path, x.visitors, x.pageviews])).toEqual([
      ['/', 3, 3],
      ['/blog/post-1', 2, 2],
      ['/blog/post-2', 1, 1],
    ]);
    expect(body.dimensions.sources[0]).toEqual({ name: '', visitors: 1, pageviews: 1, sessions: 1, bounce_rate: 100, avg_duration: 40 });
    expect(body.dimensions.countries.map((x) => [x.name, x.visitors])).toEqual([
      ['US', 3],
      ['DE', 1],
      ['FR', 1],
    ]);
  });

  it('compare=false leaves changes null; breakdowns come with the timeseries', async () => {
    const r = await owner.get(`/api/sites/${siteA.id}/stats?${P}&metrics=visitors&dimensions=entry_page&compare=false`);
    expect(r.status).toBe(200);
    expect(r.body.metrics).toEqual({ visitors: { value: 5, change: null } });
    expect(r.body.comparison_period).toBeNull();
    expect(r.body.timeseries).toEqual([
      { date: '2024-01-15', visitors: 4 },
      { date: '2024-01-16', visitors: 2 },
    ]);
    expect(r.body.dimensions.entry_pages[0]).toEqual({ path: '/', visitors: 3 });
  });

  it('answers the request of InsightHub §7.2.3 as written (PRD names, metrics and dimensions together)', async () => {
    const qs = 'period=last_7_days&metrics=visitors,pageviews,sessions,bounce_rate,duration&dimensions=source,medium,page,country,device';
    const r = await owner.get(`/api/sites/${siteA.id}/stats?${qs}`);
    expect(r.status).toBe(200);
    const body = dashboardStatsSchema.parse(r.body);
    expect(Object.keys(body.metrics)).toEqual(['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration']);
    expect(body.interval).toBe('day');
    expect(body.timeseries).toHaveLength(7);
    expect(Object.keys(body.timeseries[0]!)).toEqual(['date', 'visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration']);
    expect(Object.keys(body.dimensions).sort()).toEqual(['countries', 'devices', 'mediums', 'pages', 'sources']);
    const month = await owner.get(`/api/sites/${siteA.id}/stats?period=last_12_months&metrics=visitors&compare=false`);
    expect([month.body.interval, month.body.timeseries.length]).toEqual(['month', 12]);
    const pages = await owner.get(
      `/api/sites/${siteA.id}/stats?${P}&metrics=pageviews,avg_time,scroll_depth,new_visitors,returning_visitors&dimensions=page&compare=false`,
    );
    expect(pages.status).toBe(200);
    expect(pages.body.dimensions.pages.find((x: { path: string }) => x.path === '/contact')).toEqual({
      path: '/contact',
      pageviews: 1,
      avg_time: 1500,
      scroll_depth: 0,
      new_visitors: 1,
      returning_visitors: 0,
    });
    expect(pages.body.metrics.returning_visitors).toEqual({ value: 1, change: null });
  });

  it('accepts filters as a tree, a list or an object', async () => {
    const get = async (filters: unknown) =>
      (
        await owner.get(
          `/api/sites/${siteA.id}/stats?${P}&metrics=visitors,sessions&compare=false&filters=${encodeURIComponent(JSON.stringify(filters))}`,
        )
      ).body.metrics;
    expect(await get(['or', ['is', 'country', ['DE']], ['is', 'source', ['Twitter']]])).toEqual({
      visitors: { value: 2, change: null },
      sessions: { value: 2, change: null },
    });
    expect(
      await get([
        ['is', 'country', ['US']],
        ['is', 'event_name', ['signup']],
      ]),
    ).toEqual({ visitors: { value: 1, change: null }, sessions: { value: 2, change: null } });
    expect(await get({ source: ['Google', 'Bing'] })).toEqual({
      visitors: { value: 2, change: null },
      sessions: { value: 2, change: null },
    });
  });

  it('uses the site timezone (Kolkata)', async () => {
    const r = await owner.get(
      `/api/sites/${siteB.id}/stats?period=custom&start_date=2024-01-15&end_date=2024-01-15&metrics=visitors&compare=false`,
    );
    expect(r.body.interval).toBe('hour');
    expect(r.body.metrics.visitors.value).toBe(2);
    expect(r.body.timeseries).toHaveLength(24);
  });

  it('refuses hostile or malformed parameters with coded 400s', async () => {
    const inj = encodeURIComponent("x') OR 1=1 --");
    const cases: Array<[string, string]> = [
      [`period=${inj}`, 'invalid_period'],
      ['period=custom', 'invalid_date_range'],
      [`period=custom&start_date=${inj}&end_date=2024-01-16`, 'invalid_date_range'],
      ['period=custom&start_date=2024-01-16&end_date=2024-01-15', 'invalid_date_range'],
      ['period=today&start_date=2024-01-16', 'invalid_date_range'],
      [`${P}&metrics=${inj}`, 'invalid_metric'],
      [`${P}&metrics=visitors&metrics=pageviews`, 'invalid_metric'],
      [`${P}&dimensions=${inj}`, 'invalid_dimension'],
      [`${P}&dimensions=${encodeURIComponent("props:x') OR 1=1 --")}`, 'invalid_dimension'],
      [`${P}&filters=${inj}`, 'invalid_filter'],
      [`${P}&filters=${encodeURIComponent(JSON.stringify([['is', "page' --", ['x']]]))}`, 'invalid_filter'],
      [`${P}&filters=${encodeURIComponent(JSON.stringify([['drop', 'page', ['x']]]))}`, 'invalid_filter'],
      [`${P}&filters=${encodeURIComponent(JSON.stringify({ "props:a'b": 'x' }))}`, 'invalid_filter'],
      [
        `${P}&filters=${encodeURIComponent(JSON.stringify(['or', ['is', 'page', ['/']], ['is', 'country', ['US']]]))}`,
        'mixed_filter_levels',
      ],
      [`${P}&filters=${encodeURIComponent(JSON.stringify([['matches', 'page', ['(?=x)']]]))}`, 'invalid_filter'],
      [`${P}&interval=${inj}`, 'invalid_interval'],
      [`${P}&limit=${inj}`, 'invalid_limit'],
      [`${P}&limit=0`, 'invalid_limit'],
      [`${P}&compare=${inj}`, 'invalid_compare'],
      [`${P}&timezone=${encodeURIComponent("UTC'; DROP TABLE events; --")}`, 'unknown_parameter'],
      [`period=custom&start_date=2015-01-01&end_date=2024-01-16&interval=hour`, 'too_many_buckets'],
    ];
    for (const [qs, code] of cases) {
      const r = await owner.get(`/api/sites/${siteA.id}/stats?${qs}`);
      expect([r.status, r.body?.error?.code], qs).toEqual([400, code]);
      expect(r.body.success).toBe(false);
    }
    // The data is still there.
    expect((await owner.get(`/api/sites/${siteA.id}/stats?${P}&metrics=visitors&compare=false`)).body.metrics.visitors.value).toBe(5);
  });

  it('needs access to the site', async () => {
    expect((await anon().get(`/api/sites/${siteA.id}/stats?${P}`)).status).toBe(401);
    expect((await stranger.get(`/api/sites/${siteA.id}/stats?${P}`)).status).toBe(404);
    expect((await owner.get(`/api/sites/${strangerSite.id}/stats?${P}`)).status).toBe(404);
    expect((await owner.get(`/api/sites/${encodeURIComponent("x' OR 1=1 --")}/stats?${P}`)).status).toBe(404);
  });
});

describe('realtime', () => {
  const livePage = (visitor: string, path: string, agoMs: number) => {
    const ts = Date.now() - agoMs;
    const e = emptyEvent({ event_id: crypto.randomUUID(), site_id: siteA.id, ts, received_at: ts, name: 'page_view' });
    Object.assign(e, {
      visitor_id: visitor,
      session_id: `live-${visitor}`,
      path,
      country: 'NZ',
      device_type: 'mobile',
      source: 'Mastodon',
    });
    return e;
  };

  it('GET /api/sites/{id}/realtime lists active visitors', async () => {
    await srv.ctx.events.write({
      events: [livePage('live-1', '/', 120_000), livePage('live-1', '/now', 60_000)],
      raw: [],
      quarantine: [],
      drops: [],
    });
    const r = await owner.get(`/api/sites/${siteA.id}/realtime`);
    expect(r.status).toBe(200);
    const snap = realtimeSnapshotSchema.parse(r.body);
    expect(snap.active_visitors).toBe(1);
    expect(snap.visitors_list[0]).toMatchObject({
      visitor_id: 'live-1',
      current_page: '/now',
      country: 'NZ',
      device: 'mobile',
      source: 'Mastodon',
      pages_viewed: 2,
    });
    expect(snap.visitors_list[0].time_on_site).toBeGreaterThanOrEqual(120);
    expect(snap.top_pages).toEqual([{ path: '/now', visitors: 1 }]);
    expect((await stranger.get(`/api/sites/${siteA.id}/realtime`)).status).toBe(404);
  });

  it('the stream pushes snapshots and picks up new visitors', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${srv.url}/api/sites/${siteA.id}/realtime/stream`, {
      headers: { cookie: owner.cookie! },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextSnapshot = async () => {
      for (;;) {
        const m = /event: realtime\ndata: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return realtimeSnapshotSchema.parse(JSON.parse(m[1]));
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    try {
      const first = await nextSnapshot();
      const before = first.active_visitors;
      await srv.ctx.events.write({ events: [livePage('live-2', '/pricing', 1000)], raw: [], quarantine: [], drops: [] });
      let seen = first;
      for (let i = 0; i < 5 && seen.active_visitors === before; i++) seen = await nextSnapshot();
      expect(seen.active_visitors).toBe(before + 1);
      expect(seen.visitors_list.map((v) => v.visitor_id)).toContain('live-2');
    } finally {
      ctrl.abort();
    }
    const denied = await fetch(`${srv.url}/api/sites/${siteA.id}/realtime/stream`);
    expect(denied.status).toBe(401);
  });
});

describe('public API v1', () => {
  it('GET /v1/sites lists what the key may read', async () => {
    const all = await anon().get('/v1/sites', bearer(readKey));
    expect(all.status).toBe(200);
    expect(all.body.sites.map((s: { id: string }) => s.id).sort()).toEqual([siteA.id, siteB.id].sort());
    expect(all.body.sites[0]).toEqual(
      expect.objectContaining({ timezone: expect.any(String), domain: expect.any(String), created_at: expect.any(String) }),
    );
    const scoped = await anon().get('/v1/sites', bearer(siteBKey));
    expect(scoped.body.sites.map((s: { id: string }) => s.id)).toEqual([siteB.id]);
    expect((await anon().get('/v1/sites', bearer(writeKey))).status).toBe(403);
    expect((await anon().get('/v1/sites', bearer('tm_live_not_a_key'))).status).toBe(401);
    expect((await anon().get('/v1/sites')).status).toBe(401);
    expect((await anon().get(`/v1/sites?api_key=${readKey}`)).body.error.code).toBe('api_key_in_url');
  });

  it('GET /v1/sites/{id}/stats answers like the dashboard API', async () => {
    const qs = `${P}&metrics=visitors,bounce_rate&dimensions=exit_page&interval=day`;
    const v1 = await anon().get(`/v1/sites/${siteA.id}/stats?${qs}`, bearer(readKey));
    const dash = await owner.get(`/api/sites/${siteA.id}/stats?${qs}`);
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual(dash.body);
    expect(v1.body.dimensions.exit_pages[0]).toEqual({ path: '/', visitors: 1, bounce_rate: 100 });
    expect((await anon().get(`/v1/sites/${siteA.id}/stats?${qs}`, bearer(siteBKey))).status).toBe(404);
    expect((await anon().get(`/v1/sites/${strangerSite.id}/stats?${qs}`, bearer(readKey))).status).toBe(404);
    expect((await anon().get(`/v1/sites/${siteA.id}/stats?${qs}`, bearer(writeKey))).status).toBe(403);
  });

  it('GET /v1/sites/{id}/realtime', async () => {
    const r = await anon().get(`/v1/sites/${siteB.id}/realtime`, bearer(siteBKey));
    expect(r.status).toBe(200);
    expect(realtimeSnapshotSchema.parse(r.body).active_visitors).toBe(0);
  });

  it('GET /v1/sites/{id}/events pages through raw events of that site only', async () => {
    const ids: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const r = await anon().get(
        `/v1/sites/${siteA.id}/events?from=2024-01-15T05:00:00Z&to=2024-01-17T05:00:00Z&limit=6${cursor ? `&cursor=${cursor}` : ''}`,
        bearer(readKey),
      );
      expect(r.status).toBe(200);
      const page = rawEventsPageSchema.parse(r.body);
      expect(page.events.every((e) => e.site_id === siteA.id)).toBe(true);
      ids.push(...page.events.map((e) => e.event_id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    const expected = fixtureEvents().filter(
      (e) => e.site_id === SITE_A.id && e.ts >= Date.parse('2024-01-15T05:00:00Z') && e.ts < Date.parse('2024-01-17T05:00:00Z'),
    );
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((e) => e.event_id)));
    for (const qs of ['cursor=bm9wZQ', `from=${encodeURIComponent("1' OR 1=1")}`, 'to=yesterday', 'limit=5000', 'since=1']) {
      const r = await anon().get(`/v1/sites/${siteA.id}/events?${qs}`, bearer(readKey));
      expect(r.status, qs).toBe(400);
    }
  });

  it('POST /v1/query runs a Query', async () => {
    const q = {
      site_id: siteA.id,
      date_range: { start: '2024-01-15', end: '2024-01-16' },
      metrics: ['visitors', 'sessions'],
      dimensions: ['channel'],
      compare: true,
    };
    const r = await anon().post('/v1/query', q, bearer(readKey));
    expect(r.status).toBe(200);
    const result = queryResultSchema.parse(r.body);
    expect(result.timezone).toBe(SITE_A.timezone);
    expect(result.rows[0]).toEqual({ channel: 'Organic Search', visitors: 2, sessions: 2 });
    expect(result.comparison?.rows.find((x) => x.channel === 'Organic Search')).toEqual({
      channel: 'Organic Search',
      visitors: 1,
      sessions: 1,
    }); // S8
    expect((await anon().post('/v1/query', q)).status).toBe(401);
    expect((await anon().post('/v1/query', { ...q, site_id: strangerSite.id }, bearer(readKey))).status).toBe(404);
    expect((await anon().post('/v1/query', q, bearer(siteBKey))).status).toBe(404);
    const bad = await anon().post('/v1/query', { ...q, dimensions: ["props:x') OR 1=1 --"] }, bearer(readKey));
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_dimension']);
    const badTz = await anon().post('/v1/query', { ...q, timezone: "UTC'--" }, bearer(readKey));
    expect([badTz.status, badTz.body.error.code]).toEqual([400, 'invalid_timezone']);
    expect((await anon().post('/v1/query', { metrics: ['visitors'] }, bearer(readKey))).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document whose references all resolve', async () => {
    const r = await anon().get('/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v2/query',
        '/api/sites/{id}/imports',
        '/api/sites/{id}/imports/{importId}',
        '/api/sites/{id}/ingest/drops',
        '/api/sites/{id}/ingest/quarantine',
        '/api/sites/{id}/realtime',
        '/api/sites/{id}/realtime/stream',
        '/api/sites/{id}/stats',
        '/api/sites/{id}/funnels',
        '/api/sites/{id}/funnels/{funnel_id}',
        '/api/sites/{id}/funnels/{funnel_id}/stats',
        '/api/sites/{id}/goals',
        '/api/sites/{id}/goals/preview',
        '/api/sites/{id}/goals/{goal_id}',
        '/api/sites/{id}/goals/{goal_id}/stats',
        '/api/sites/{id}/heatmaps',
        '/v1/sites/{id}/heatmaps',
        '/api/sites/{id}/frustration',
        '/v1/sites/{id}/frustration',
        '/api/sites/{id}/vitals',
        '/v1/sites/{id}/vitals',
        '/api/sites/{id}/errors',
        '/v1/sites/{id}/errors',
        '/api/sites/{id}/heatmaps/screenshot',
        '/v1/sites/{id}/heatmaps/screenshot',
        '/v1/sites/{id}/goals',
        '/v1/sites/{id}/goals/{goal_id}/stats',
        '/api/sites/{id}/experiments',
        '/api/sites/{id}/experiments/{experiment_id}',
        '/api/sites/{id}/experiments/{experiment_id}/results',
        '/api/sites/{id}/experiments/{experiment_id}/start',
        '/api/sites/{id}/experiments/{experiment_id}/stop',
        '/api/sites/{id}/experiments/{experiment_id}/winner',
        '/api/experiments/assign',
        '/v1/sites/{id}/experiments',
        '/v1/sites/{id}/experiments/{experiment_id}',
        '/v1/sites/{id}/experiments/{experiment_id}/results',
        '/api/sites/{id}/audiences',
        '/api/sites/{id}/audiences/{audience_id}',
        '/api/sites/{id}/audiences/{audience_id}/members',
        '/api/sites/{id}/audiences/{audience_id}/members.csv',
        '/api/sites/{id}/audiences/{audience_id}/sizes',
        '/v1/sites/{id}/audiences',
        '/v1/sites/{id}/audiences/{audience_id}',
        '/v1/sites/{id}/audiences/{audience_id}/members',
        '/v1/sites/{id}/audiences/{audience_id}/members.csv',
        '/v1/sites/{id}/audiences/{audience_id}/sizes',
        '/api/sites/{id}/audiences/{audience_id}/refresh',
        '/api/sites/{id}/triggers',
        '/api/sites/{id}/triggers/{trigger_id}',
        '/api/sites/{id}/triggers/{trigger_id}/firings',
        '/api/sites/{id}/triggers/dry-run',
        '/api/sites/{id}/dead-letters',
        '/api/sites/{id}/dead-letters/{action_id}',
        '/api/sites/{id}/dead-letters/{action_id}/retry',
        '/api/sites/{id}/trigger-settings',
        '/v1/sites/{id}/triggers',
        '/v1/sites/{id}/triggers/{trigger_id}',
        '/v1/sites/{id}/triggers/{trigger_id}/firings',
        '/v1/sites/{id}/dead-letters',
        '/v1/sites/{id}/trigger-settings',
        '/api/analytics/track',
        '/api/tracking/analytics',
        '/api/tracking/events',
        '/api/tracking/events.js',
        '/api/tracking/test',
        '/api/tracking/test.js',
        '/api/v1/workspaces',
        '/v1/alias',
        '/v1/batch',
        '/v1/group',
        '/v1/identify',
        '/v1/page',
        '/v1/screen',
        '/v1/track',
        '/v1/query',
        '/v1/sites',
        '/v1/sites/{id}/events',
        '/v1/sites/{id}/funnels',
        '/v1/sites/{id}/funnels/{funnel_id}/stats',
        '/api/sites/{id}/paths',
        '/api/sites/{id}/paths/pages',
        '/v1/sites/{id}/paths',
        '/v1/sites/{id}/paths/pages',
        '/api/sites/{id}/cohorts',
        '/v1/sites/{id}/cohorts',
        '/api/sites/{id}/journeys',
        '/v1/sites/{id}/journeys',
        '/v1/sites/{id}/realtime',
        '/v1/sites/{id}/stats',
        '/api/sites/{id}/revenue',
        '/v1/sites/{id}/revenue',
        '/api/webhooks/stripe/{site_id}',
        // operations (annotations, exports, shared dashboards)
        '/api/sites/{id}/annotations',
        '/api/sites/{id}/annotations/{annotation_id}',
        '/v1/sites/{id}/annotations',
        '/v1/sites/{id}/annotations/{annotation_id}',
        '/v1/sites/{id}/export',
        '/api/sites/{id}/shares',
        '/api/sites/{id}/shares/{share_id}',
        '/api/share/{token}',
        '/api/share/{token}/unlock',
        '/api/share/{token}/stats',
        '/api/sites/{id}/alerts',
        '/api/sites/{id}/alerts/{alert_id}',
        '/api/sites/{id}/alerts/{alert_id}/history',
        '/api/sites/{id}/alerts/{alert_id}/test',
        '/api/sites/{id}/recordings',
        '/api/sites/{id}/recordings/{rid}',
        '/api/sites/{id}/recordings/{rid}/events',
        '/api/sites/{id}/recordings/{rid}/session-events',
        '/v1/sites/{id}/recordings',
        '/v1/sites/{id}/recordings/{rid}',
        '/v1/sites/{id}/recordings/{rid}/events',
        '/v1/sites/{id}/recordings/{rid}/session-events',
        '/api/orgs/{orgId}/audit',
        '/api/orgs/{orgId}/audit/export',
        '/v1/audit',
        '/v1/audit/export',
        '/api/sites/{id}/privacy/requests',
        '/api/sites/{id}/privacy/requests/{request_id}',
        '/api/sites/{id}/privacy/requests/{request_id}/archive',
        '/v1/sites/{id}/privacy/requests',
        '/v1/sites/{id}/privacy/requests/{request_id}',
        '/v1/sites/{id}/privacy/requests/{request_id}/archive',
        '/api/sites/{id}/consent',
        '/api/consent/config',
        '/api/consent',
        '/api/sites/{id}/consent/log',
        '/api/sites/{id}/consent/log/export',
        '/api/sites/{id}/consent/log/verify',
        '/v1/sites/{id}/consent/log',
        '/v1/sites/{id}/consent/log/export',
        '/v1/sites/{id}/consent/log/verify',
        '/api/orgs/{orgId}/domains',
        '/api/orgs/{orgId}/domains/{domainId}/verify',
        '/api/orgs/{orgId}/domains/{domainId}',
        '/api/domains/ask',
        '/.well-known/tidemark-verify/{token}',
        '/api/orgs/{orgId}/branding',
        '/api/branding',
        '/api/sites/{id}/reports',
        '/api/sites/{id}/reports/{report_id}',
        '/api/sites/{id}/reports/{report_id}/send',
        '/api/reports/unsubscribe',
        '/api/admin/system',
        '/api/admin/system/alerts',
        '/api/admin/system/alerts/{alert_id}',
        '/api/admin/system/alerts/{alert_id}/test',
        '/api/sites/{id}/profiles',
        '/api/sites/{id}/profiles/{pid}',
        '/api/sites/{id}/profiles/{pid}/timeline',
        '/v1/sites/{id}/profiles',
        '/v1/sites/{id}/profiles/{pid}',
        '/v1/sites/{id}/profiles/{pid}/timeline',
        '/api/sites/{id}/scoring/rules',
        '/api/sites/{id}/connections',
        '/v1/sites/{id}/connections',
        '/api/sites/{id}/connections/{provider}',
        '/api/sites/{id}/connections/{provider}/test',
        '/api/sites/{id}/models/churn',
        '/v1/sites/{id}/models/churn',
        '/api/sites/{id}/churn/at-risk',
        '/v1/sites/{id}/churn/at-risk',
        '/api/sites/{id}/models/churn/train',
        '/api/sites/{id}/segments',
        '/api/sites/{id}/segments/train',
        '/v1/sites/{id}/segments',
        '/api/sites/{id}/models/lead-score',
        '/v1/sites/{id}/models/lead-score',
        '/api/sites/{id}/models/lead-score/train',
        '/api/sites/{id}/scoring/mode',
        '/api/orgs/{orgId}/usage',
        '/api/orgs/{orgId}/clients',
        '/api/orgs/{orgId}/clients/{clientId}',
        '/api/orgs/{orgId}/clients/{clientId}/switch',
        '/api/admin/orgs',
        '/api/admin/orgs/{orgId}',
        '/api/auth/reseller-return',
      ].sort(),
    );
    const refs = [...r.text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    const params = doc.paths['/v1/sites/{id}/stats'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(
      expect.arrayContaining([
        'id',
        'period',
        'start_date',
        'end_date',
        'metrics',
        'dimensions',
        'filters',
        'interval',
        'limit',
        'compare',
        'format',
      ]),
    );
    expect(doc.components.schemas.Query.properties.metrics.items.enum).toEqual(
      expect.arrayContaining(['bounce_rate', 'duration', 'new_visitors', 'returning_visitors', 'avg_time', 'scroll_depth']),
    );
    expect(doc.components.schemas.DashboardStats.required).toContain('timeseries');
    const metricsParam = doc.paths['/api/sites/{id}/stats'].get.parameters.find((p: { name: string }) => p.name === 'metrics');
    expect(metricsParam.description).toMatch(/avg_time.*scroll_depth.*duration \(= avg_duration/);
  });

  it('serves a self-contained reference page under a strict CSP', async () => {
    const r = await anon().get('/v1/docs');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/style-src 'sha256-/);
    expect(r.text).not.toMatch(/<script|https?:\/\/(?!json-schema)/i);
    for (const op of ['POST /v1/query', 'GET /v1/sites/{id}/events', 'GET /api/sites/{id}/stats']) expect(r.text).toContain(op);
  });
});
