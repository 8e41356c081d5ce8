import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@tidemark/core';
import type { SiteRecord } from '../src/meta';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { signUp } from './helpers/accounts';
import { eventually, siteWithKeys } from './helpers/contracts';

/**
 * The seed contracts with the payloads their specifications show: Universal Site Tracking (spec 000
 * §4: /api/tracking/events, /analytics, /test) and TechStore (spec 001 §2.4.2: /api/analytics/track),
 * every documented error included. Engine independent: scaleout-collect-contracts runs it on ClickHouse.
 */
let s: CollectServer;
beforeAll(async () => {
  s = await startCollectServer();
});
afterAll(async () => {
  await s?.cleanup();
});

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const page = 'https://www.example.com/shop/widgets';
const browser = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  origin: 'https://www.example.com',
  referer: page,
  ...extra,
});

/** The spec's universal event examples, as written there. */
const SPEC_EXAMPLES = [
  { evt_type: 'item_interaction', evt_category: 'products', evt_action: 'click', evt_label: 'widget_pro_v2', evt_value: 299 },
  { evt_type: 'item_interaction', evt_category: 'features', evt_action: 'click', evt_label: 'dashboard_analytics', evt_value: 50 },
  { evt_type: 'transaction_step', evt_category: 'transactions', evt_action: 'start', evt_label: 'checkout_process' },
  { evt_type: 'item_interaction', evt_category: 'articles', evt_action: 'view', evt_label: 'how_to_guide_123', evt_value: 10 },
  { evt_type: 'contact_interaction', evt_category: 'contact', evt_action: 'phone_click', evt_value: 15 },
];

describe('Universal Site Tracking: POST /api/tracking/events', () => {
  let site: SiteRecord;
  let readKey = '';
  beforeAll(async () => {
    ({ site, readKey } = await siteWithKeys(s, 'Universal events'));
  });
  const track = (body: unknown, headers: Record<string, string> = {}, path = '/api/tracking/events') =>
    s.request('POST', path, body, browser(headers));

  it("takes each of the spec's examples alone and all of them as an array, answering the documented body", async () => {
    for (const [i, ex] of SPEC_EXAMPLES.entries()) {
      const res = await track(
        { ...ex, tenantId: site.tracking_id, session_id: `sess-${i}` },
        {},
        i % 2 ? '/api/tracking/events.js' : '/api/tracking/events',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        message: 'Tracking events processed successfully',
        data: { session_id: `sess-${i}`, events_processed: 1 },
      });
      expect(Date.parse(res.body.data.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    }
    const batch = await track(
      SPEC_EXAMPLES.map((e) => ({ ...e, tenant_id: site.tracking_id, session_id: 'sess-batch', campaign: 'spring' })),
    );
    expect(batch.body).toMatchObject({ success: true, data: { session_id: 'sess-batch', events_processed: 5 } });
    // No session id sent: one is made up as the spec does.
    const anon = await track({ evt_type: 'click', tenantId: site.tracking_id });
    expect(anon.body.data.session_id).toMatch(/^sess_\d+$/);
    const rows = await eventually(
      () => s.events(site),
      (r) => r.length >= 11,
    );
    expect(rows.length).toBe(11);
    const first = rows.find((r) => JSON.parse(r.props).evt_label === 'widget_pro_v2')!;
    expect(first).toMatchObject({ name: 'item_interaction', url: page, path: '/shop/widgets' });
    expect(JSON.parse(first.props)).toMatchObject({ evt_category: 'products', evt_action: 'click', evt_value: '299' });
    expect(rows.filter((r) => JSON.parse(r.props).campaign === 'spring')).toHaveLength(5);
  });

  it('answers every documented error and quarantines invalid events with the messages of the spec', async () => {
    const cases: Array<[unknown, string]> = [
      [{ evt_category: 'products', tenantId: site.tracking_id }, 'Missing evt_type'],
      [{ evt_type: 'item_interaction', evt_action: 'click', tenantId: site.tracking_id }, 'Item interaction missing item identifier'],
      [{ evt_type: 'transaction_step', evt_label: 'checkout', tenantId: site.tracking_id }, 'Transaction step missing action'],
    ];
    for (const [body, message] of cases) {
      const res = await track(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, message: 'Error processing tracking events', error_code: 'TRACKING_ERROR' });
      expect(res.body.error.message).toContain(message);
      expect(res.body.debug_info.error).toContain(message);
    }
    // Across tenants: an event naming another tenant than the request's site is refused.
    const cross = await track({ evt_type: 'click', tenantId: s.otherSite.tracking_id }, { 'x-site-id': site.tracking_id });
    expect([cross.status, cross.body.error.message]).toEqual([400, 'tenantId: Invalid tenant_id']);
    const mixed = await track([
      { evt_type: 'click', tenantId: site.tracking_id },
      { evt_type: 'item_interaction', tenantId: site.tracking_id },
    ]);
    expect(mixed.body).toMatchObject({ success: true, data: { events_processed: 1, events_rejected: 1 } });
    const ofContract = (q: any) => q.body.events.filter((e: any) => e.contract === 'universal.tracking');
    const q = await eventually(
      () => s.request('GET', `/api/sites/${site.id}/ingest/quarantine`, undefined, { authorization: `Bearer ${readKey}` }),
      (r) => ofContract(r).length >= 5,
    );
    const messages = ofContract(q).map((e: any) => e.errors[0].message);
    expect(messages.sort()).toEqual(
      [
        'Invalid tenant_id',
        'Item interaction missing item identifier',
        'Item interaction missing item identifier',
        'Missing evt_type',
        'Transaction step missing action',
      ].sort(),
    );
    const unknown = await track({ evt_type: 'click', tenantId: 'tm_nobody' });
    expect([unknown.status, unknown.body.error_code, unknown.body.error.message]).toEqual([
      404,
      'TRACKING_ERROR',
      'Invalid tenant_id: no site has this tracking id',
    ]);
    expect((await track({ evt_type: 'click' })).status).toBe(400);
    expect((await track('{"evt_type":')).body).toMatchObject({
      success: false,
      error_code: 'TRACKING_ERROR',
      error: { code: 'invalid_json' },
    });
    expect((await track([])).status).toBe(400);
    expect((await track({ evt_type: 'click', tenantId: site.tracking_id }, { origin: 'https://evil.example.net' })).status).toBe(403);
  });

  it('GET|POST /api/tracking/test (and .js) answers its documented body', async () => {
    for (const [method, path] of [
      ['GET', '/api/tracking/test'],
      ['POST', '/api/tracking/test'],
      ['GET', '/api/tracking/test.js'],
      ['POST', '/api/tracking/test.js'],
    ] as const) {
      const res = await s.request(
        method,
        path,
        method === 'POST' ? '{"ping":true}' : undefined,
        method === 'POST' ? { 'content-type': 'application/json' } : {},
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        message: 'Site tracking API is operational',
        data: {
          tracking_endpoint: '/api/tracking/events',
          analytics_endpoint: '/api/tracking/analytics',
          status: 'healthy',
          tenant_support: 'multi-tenant',
          industry_support: 'universal',
          supported_events: ['page_view', 'item_interaction', 'transaction_step', 'contact_interaction', 'scroll_depth', 'click'],
        },
      });
      expect(Number.isNaN(Date.parse(res.body.data.timestamp))).toBe(false);
    }
  });
});

/** Visitors (by address), their events minutes ago, and the numbers the contract's analytics must give. */
interface Planned {
  ip: string;
  at: number;
  event: Record<string, unknown>;
}

function plan(now: number): Planned[] {
  const base = Math.floor(now / 1000) * 1000;
  const at = (minutes: number, seconds = 0) => base - minutes * 60_000 + seconds * 1000;
  const out: Planned[] = [];
  const add = (ip: string, t: number, event: Record<string, unknown>) => out.push({ ip, at: t, event });
  // Visitor A: two sessions (a gap over 30 minutes); the first completes a transaction.
  add('198.51.100.1', at(55), { evt_type: 'page_view', page_url: 'https://www.example.com/' });
  add('198.51.100.1', at(54, 10), SPEC_EXAMPLES[0]!);
  add('198.51.100.1', at(53), SPEC_EXAMPLES[2]!);
  add('198.51.100.1', at(52, 30), {
    evt_type: 'transaction_step',
    evt_category: 'transactions',
    evt_action: 'complete',
    evt_label: 'checkout_process',
    evt_value: 120,
  });
  add('198.51.100.1', at(10), SPEC_EXAMPLES[4]!);
  add('198.51.100.1', at(9, 15), SPEC_EXAMPLES[3]!);
  // Visitor B: one session, two item interactions, a started transaction that is not completed.
  add('198.51.100.2', at(40), SPEC_EXAMPLES[1]!);
  add('198.51.100.2', at(39, 5), SPEC_EXAMPLES[0]!);
  add('198.51.100.2', at(38), SPEC_EXAMPLES[2]!);
  // Visitor C: one event.
  add('198.51.100.3', at(20), SPEC_EXAMPLES[4]!);
  return out;
}

/** The contract's definitions (spec 000 §4, api.track_analytics) over the planned events, sessions cut at 30 minutes. */
function expectedAnalytics(events: Planned[]) {
  const byVisitor = new Map<string, Planned[]>();
  for (const e of events) byVisitor.set(e.ip, [...(byVisitor.get(e.ip) ?? []), e]);
  const sessions: Planned[][] = [];
  for (const list of byVisitor.values()) {
    list.sort((a, b) => a.at - b.at);
    let cur: Planned[] = [];
    for (const e of list) {
      if (cur.length && e.at - cur[cur.length - 1]!.at > 30 * 60_000) {
        sessions.push(cur);
        cur = [];
      }
      cur.push(e);
    }
    sessions.push(cur);
  }
  const count = (type: string) => events.filter((e) => e.event.evt_type === type).length;
  const meanSeconds = sessions.reduce((n, ss) => n + (ss[ss.length - 1]!.at - ss[0]!.at) / 1000, 0) / sessions.length;
  return {
    totalSessions: sessions.length,
    uniqueVisitors: byVisitor.size,
    totalEvents: events.length,
    itemInteractions: count('item_interaction'),
    completedTransactions: sessions.filter((ss) =>
      ss.some((e) => e.event.evt_type === 'transaction_step' && e.event.evt_action === 'complete'),
    ).length,
    contactInteractions: count('contact_interaction'),
    avgSessionDurationMinutes: Math.round((Math.round(meanSeconds) / 60) * 100) / 100,
    totalConversionValue: events.reduce((n, e) => n + Number(e.event.evt_value ?? 0), 0),
  };
}

describe('Universal Site Tracking: GET|POST /api/tracking/analytics', () => {
  let site: SiteRecord;
  let readKey = '';
  let writeKey = '';
  const now = Date.now();
  const planned = plan(now);
  beforeAll(async () => {
    ({ site, readKey, writeKey } = await siteWithKeys(s, 'Universal analytics'));
    const byIp = new Map<string, Planned[]>();
    for (const p of planned) byIp.set(p.ip, [...(byIp.get(p.ip) ?? []), p]);
    for (const [ip, list] of byIp) {
      const body = list.map((p) => ({ ...p.event, event_timestamp: p.at, tenantId: site.tracking_id }));
      const res = await s.request('POST', '/api/tracking/events', body, browser({ 'x-forwarded-for': ip }));
      expect(res.body.data.events_processed).toBe(list.length);
    }
    await eventually(
      () => s.events(site),
      (r) => r.length >= planned.length,
    );
  });

  it('computes every field with the stats engine, equal to the definitions applied to the events sent', async () => {
    // The fixture has what every field needs (so no field can pass by being 0 on both sides).
    expect(expectedAnalytics(planned)).toMatchObject({
      totalSessions: 4,
      uniqueVisitors: 3,
      completedTransactions: 1,
      contactInteractions: 2,
    });
    const dateFrom = day(now - DAY);
    const dateTo = day(now);
    const auth = { authorization: `Bearer ${readKey}` };
    const get = await s.request(
      'GET',
      `/api/tracking/analytics?tenantId=${site.tracking_id}&dateFrom=${dateFrom}&dateTo=${dateTo}`,
      undefined,
      auth,
    );
    expect(get.status).toBe(200);
    expect(get.body).toEqual({
      success: true,
      message: 'Site analytics retrieved successfully',
      data: { ...expectedAnalytics(planned), dateRange: { from: dateFrom, to: dateTo } },
    });
    const post = await s.request(
      'POST',
      '/api/tracking/analytics',
      { tenant_id: site.tracking_id, dateFrom, dateTo },
      { ...auth, 'content-type': 'application/json' },
    );
    expect(post.body).toEqual(get.body);
    // The same as the stats API says for the site.
    const stats = await s.ctx.stats.query(
      parseQuery({ site_id: site.id, date_range: { start: dateFrom, end: dateTo }, metrics: ['sessions', 'visitors', 'events'] }),
      site,
    );
    expect([get.body.data.totalSessions, get.body.data.uniqueVisitors, get.body.data.totalEvents]).toEqual([
      stats.rows[0]!.sessions,
      stats.rows[0]!.visitors,
      stats.rows[0]!.events,
    ]);
    // Defaults: the last 30 days up to today in the site's timezone.
    const defaults = await s.request('GET', `/api/tracking/analytics?tenantId=${site.tracking_id}`, undefined, auth);
    expect(defaults.body.data.dateRange.to).toBe(day(Date.now()));
    expect(defaults.body.data.totalEvents).toBe(planned.length);
  });

  it('is for API keys with read permission on the site and its members only', async () => {
    const url = `/api/tracking/analytics?tenantId=${site.tracking_id}`;
    const anonymous = await s.request('GET', url);
    expect([anonymous.status, anonymous.body.error_code, anonymous.body.message]).toEqual([
      401,
      'ANALYTICS_ERROR',
      'Error retrieving analytics',
    ]);
    expect((await s.request('GET', url, undefined, { authorization: `Bearer ${writeKey}` })).status).toBe(403);
    expect((await s.request('GET', url, undefined, { authorization: `Bearer ${s.keys.otherOrg}` })).status).toBe(404);
    expect(
      (await s.request('GET', '/api/tracking/analytics?tenantId=tm_nobody', undefined, { authorization: `Bearer ${readKey}` })).status,
    ).toBe(404);
    const auth = { authorization: `Bearer ${readKey}` };
    expect((await s.request('GET', `${url}&dateFrom=yesterday`, undefined, auth)).status).toBe(400);
    expect((await s.request('GET', `${url}&dateFrom=2026-02-10&dateTo=2026-02-01`, undefined, auth)).status).toBe(400);
    expect((await s.request('GET', '/api/tracking/analytics', undefined, auth)).status).toBe(400);
  });

  it("answers a signed-in member's dashboard session for the organization's sites only", async () => {
    const { client } = await signUp(s.url, `owner-${crypto.randomUUID()}@example.org`);
    const own = await client.post('/api/sites', { name: 'Mine', domain: 'example.com' });
    expect(own.status).toBe(201);
    const sent = await s.request(
      'POST',
      '/api/tracking/events',
      [
        { evt_type: 'page_view', tenantId: own.body.tracking_id },
        { evt_type: 'contact_interaction', evt_value: 7, tenantId: own.body.tracking_id },
      ],
      browser(),
    );
    expect(sent.body.data.events_processed).toBe(2);
    await eventually(
      () => s.events(own.body.id),
      (r) => r.length >= 2,
    );
    const mine = await client.post('/api/tracking/analytics', { tenantId: own.body.tracking_id });
    expect(mine.status).toBe(200);
    expect(mine.body.data).toMatchObject({ totalEvents: 2, contactInteractions: 1, totalConversionValue: 7, uniqueVisitors: 1 });
    expect((await client.get(`/api/tracking/analytics?tenantId=${site.tracking_id}`)).status).toBe(404);
  });
});

describe('TechStore: POST /api/analytics/track', () => {
  let site: SiteRecord;
  let writeKey = '';
  beforeAll(async () => {
    ({ site, writeKey } = await siteWithKeys(s, 'TechStore'));
  });
  const send = (body: unknown, headers: Record<string, string>) => s.request('POST', '/api/analytics/track', body, headers);

  it("takes the tracker's requests from a page of the site, mapping its names to canonical ones", async () => {
    const now = Date.now();
    const sent = [
      { event: 'page_viewed', properties: {} },
      { event: 'service_viewed', properties: { service: 'screen-repair', price: 89 } },
      { event: 'scroll_milestone', properties: { depth: 25 } },
      { event: 'booking_started', properties: { service: 'screen-repair' } },
      { event: 'booking_step_completed', properties: { step: 2 } },
      { event: 'booking_completed', properties: { service: 'screen-repair', value: 89 } },
    ];
    for (const [i, e] of sent.entries()) {
      const res = await send(
        { ...e, timestamp: now - 1000 + i, session_id: 'ts-sess-1', user_id: 'ts-user-1' },
        browser({ 'x-site-id': site.tracking_id }),
      );
      expect([res.status, res.body]).toEqual([202, { success: true, events_received: 1 }]);
    }
    const rows = await eventually(
      () => s.events(site),
      (r) => r.length >= sent.length,
    );
    expect(rows.map((r) => r.name)).toEqual([
      'page_view',
      'service_viewed',
      'scroll_depth',
      'booking_started',
      'booking_step_completed',
      'booking_completed',
    ]);
    expect(rows.every((r) => r.path === '/shop/widgets' && r.user_id === 'ts-user-1')).toBe(true);
    expect(Number(rows[2]!.scroll_depth)).toBe(25);
    expect(JSON.parse(rows[0]!.props)).toEqual({ techstore_event: 'page_viewed', client_session_id: 'ts-sess-1' });
    const stats = await s.ctx.stats.query(
      parseQuery({
        site_id: site.id,
        date_range: { start: day(now - DAY), end: day(now + DAY) },
        metrics: ['events'],
        dimensions: ['event_name'],
      }),
      site,
    );
    const expectedNames: Record<string, number> = {};
    for (const e of sent) {
      const name = e.event === 'page_viewed' ? 'page_view' : e.event === 'scroll_milestone' ? 'scroll_depth' : e.event;
      expectedNames[name] = (expectedNames[name] ?? 0) + 1;
    }
    expect(Object.fromEntries(stats.rows.map((r) => [r.event_name, r.events]))).toEqual(expectedNames);
  });

  it('takes server-side requests with an API key: historical times, the caller’s user and session', async () => {
    const at = Date.now() - 2 * DAY;
    const res = await send(
      {
        event: 'quote_requested',
        properties: { url: 'https://www.example.com/quote' },
        timestamp: at,
        session_id: 'srv-sess',
        user_id: 'srv-user',
      },
      { 'content-type': 'application/json', 'x-api-key': writeKey },
    );
    expect(res.status).toBe(202);
    const rows = await eventually(
      () => s.events(site, 'AND name = ?', ['quote_requested']),
      (r) => r.length >= 1,
    );
    expect(rows[0]).toMatchObject({ visitor_id: 'srv-user', session_id: 'srv-sess', user_id: 'srv-user', path: '/quote' });
    expect(Number(rows[0]!.ts)).toBe(at);
  });

  it('refuses what it cannot take', async () => {
    const ok = { event: 'page_viewed', properties: {} };
    expect((await send({ properties: {} }, browser({ 'x-site-id': site.tracking_id }))).status).toBe(400);
    expect((await send(ok, browser())).body.error.code).toBe('missing_site');
    expect((await send(ok, browser({ 'x-site-id': 'tm_nobody' }))).status).toBe(404);
    expect((await send(ok, browser({ 'x-site-id': site.tracking_id, origin: 'https://evil.example.net' }))).status).toBe(403);
    expect((await send(ok, { 'content-type': 'application/json', 'x-api-key': s.keys.read })).status).toBe(403);
    expect((await send('not json', browser({ 'x-site-id': site.tracking_id }))).status).toBe(400);
    const pre = await s.request('OPTIONS', '/api/analytics/track', undefined, {
      origin: 'https://www.example.com',
      'access-control-request-method': 'POST',
    });
    expect(pre.status).toBe(204);
  });
});
