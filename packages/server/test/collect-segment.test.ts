import { gzipSync } from 'node:zlib';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@tidemark/core';
import type { SiteRecord } from '../src/meta';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { eventually, failOnceAfterStoring, siteWithKeys } from './helpers/contracts';
import { startTestServer } from './helpers/server';

/**
 * The Segment-compatible collector (`/v1/batch`, `/v1/track` …) driven by the real client libraries,
 * `@segment/analytics-node` and `@rudderstack/rudder-sdk-node`, unchanged but for their host, and by
 * raw requests for every documented answer. Engine independent: scaleout-collect-contracts runs it on
 * ClickHouse.
 */
let s: CollectServer;
beforeAll(async () => {
  s = await startCollectServer();
});
afterAll(async () => {
  await s?.cleanup();
});

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the clients send in these tests, and what the stats must say about it (computed here from the list). */
interface Sent {
  user: string;
  anon: string;
  kind: 'track' | 'page' | 'identify';
  name: string;
  path?: string;
  plan?: string;
  at: number;
}

function fixture(tag: string, now: number): Sent[] {
  const out: Sent[] = [];
  for (let v = 0; v < 4; v++) {
    const user = `${tag}-user-${v}`;
    const anon = `${tag}-anon-${v}`;
    const at = now - (40 - v) * 60_000;
    out.push({ user, anon, kind: 'identify', name: 'identify', plan: v % 2 ? 'pro' : 'free', at });
    out.push({ user, anon, kind: 'page', name: 'page_view', path: v % 2 ? '/pricing' : '/docs', at: at + 1000 });
    for (let k = 0; k <= v; k++)
      out.push({ user, anon, kind: 'track', name: k % 2 ? 'Signed Up' : 'Clicked', plan: v % 2 ? 'pro' : 'free', at: at + 2000 + k });
  }
  return out;
}

async function statsOf(site: SiteRecord, now: number) {
  const range = { start: day(now - DAY), end: day(now + DAY) };
  const q = (input: Record<string, unknown>) => s.ctx.stats.query(parseQuery({ site_id: site.id, date_range: range, ...input }), site);
  const byName = await q({ metrics: ['events', 'visitors'], dimensions: ['event_name'] });
  const byPage = await q({ metrics: ['pageviews'], dimensions: ['page'] });
  const byPlan = await q({ metrics: ['events'], dimensions: ['props:plan'] });
  const toMap = (rows: Array<Record<string, string | number>>, key: string, metric: string) =>
    Object.fromEntries(rows.map((r) => [String(r[key]), Number(r[metric])]));
  return {
    events: toMap(byName.rows, 'event_name', 'events'),
    visitors: toMap(byName.rows, 'event_name', 'visitors'),
    pages: toMap(byPage.rows, 'page', 'pageviews'),
    plans: toMap(byPlan.rows, 'props:plan', 'events'),
  };
}

/** The same numbers computed from what was sent. */
function expected(sent: Sent[]) {
  const events: Record<string, number> = {};
  const visitors: Record<string, Set<string>> = {};
  const pages: Record<string, number> = {};
  const plans: Record<string, number> = {};
  for (const e of sent) {
    events[e.name] = (events[e.name] ?? 0) + 1;
    visitors[e.name] = (visitors[e.name] ?? new Set()).add(e.anon);
    // A breakdown row per value, '' for events without one (a page row counts page views only).
    pages[e.path ?? ''] = (pages[e.path ?? ''] ?? 0) + (e.kind === 'page' ? 1 : 0);
    plans[e.plan ?? ''] = (plans[e.plan ?? ''] ?? 0) + 1;
  }
  return { events, visitors: Object.fromEntries(Object.entries(visitors).map(([k, v]) => [k, v.size])), pages, plans };
}

describe('Segment-compatible clients, unchanged', () => {
  it('@segment/analytics-node (host, path): events reach the stats once, also when the first answer is a 503', async () => {
    const { site, writeKey } = await siteWithKeys(s, 'Segment client');
    const now = Date.now();
    const sent = fixture('seg', now);
    const fault = failOnceAfterStoring(s.ctx.collector, ['segment.batch']);
    const client = new SegmentAnalytics({ writeKey, host: s.url, path: '/v1/batch', flushAt: 100, flushInterval: 60_000, maxRetries: 3 });
    const failures: unknown[] = [];
    client.on('error', (err) => failures.push(err));
    for (const e of sent) {
      const common = { userId: e.user, anonymousId: e.anon, timestamp: new Date(e.at) };
      if (e.kind === 'identify') client.identify({ ...common, traits: { plan: e.plan, email: `${e.user}@example.com` } });
      else if (e.kind === 'page')
        client.page({ ...common, name: 'Docs', properties: { url: `https://www.example.com${e.path}`, title: 'T' } });
      else client.track({ ...common, event: e.name, properties: { plan: e.plan } });
    }
    await client.closeAndFlush({ timeout: 20_000 });
    expect(failures).toEqual([]);
    expect(fault.failed()).toBe(true);
    expect(fault.requests()).toBe(2); // the 503, then the retry
    const rows = await eventually(
      () => s.events(site),
      (r) => r.length >= sent.length,
    );
    expect(rows.length).toBe(sent.length);
    const identify = rows.find((r) => r.name === 'identify' && r.user_id === 'seg-user-1')!;
    expect(JSON.parse(identify.props)).toEqual({ plan: 'pro', email: 'seg-user-1@example.com' });
    expect(identify.visitor_id).toBe('seg-anon-1');
    expect(await statsOf(site, now)).toEqual(expected(sent));
  });

  it('@rudderstack/rudder-sdk-node (dataPlaneUrl, gzip bodies): the same, with its own retry', async () => {
    const { site, writeKey } = await siteWithKeys(s, 'Rudder client');
    const now = Date.now();
    const sent = fixture('rs', now);
    const fault = failOnceAfterStoring(s.ctx.collector, ['segment.batch']);
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: s.url, flushAt: 100, flushInterval: 60_000, logLevel: 'off' });
    for (const e of sent) {
      const common = { userId: e.user, anonymousId: e.anon, originalTimestamp: new Date(e.at) };
      if (e.kind === 'identify') client.identify({ ...common, traits: { plan: e.plan } });
      else if (e.kind === 'page')
        client.page({ ...common, name: 'Docs', properties: { url: `https://www.example.com${e.path}`, title: 'T' } });
      else client.track({ ...common, event: e.name, properties: { plan: e.plan } });
    }
    await client.flush();
    expect(fault.failed()).toBe(true);
    expect(fault.requests()).toBeGreaterThanOrEqual(2); // the 503, then the retry
    const rows = await eventually(
      () => s.events(site),
      (r) => r.length >= sent.length,
    );
    expect(rows.length).toBe(sent.length);
    expect(await statsOf(site, now)).toEqual(expected(sent));
  });
});

describe('POST /v1/* answers', () => {
  let site: SiteRecord;
  let writeKey = '';
  let readKey = '';
  beforeAll(async () => {
    ({ site, writeKey, readKey } = await siteWithKeys(s, 'Segment raw'));
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    s.request('POST', path, body, { 'content-type': 'application/json', ...headers });

  it('takes every single-message endpoint with the key in the header or the body, and dedupes by messageId', async () => {
    const auth = { authorization: basic(writeKey) };
    const ts = new Date(Date.now() - 3 * DAY).toISOString(); // a backfill: server-side times may be historical
    const answers = await Promise.all([
      post('/v1/track', { userId: 'u1', event: 'Bought', properties: { sku: 'a' }, messageId: 'track-1', timestamp: ts }, auth),
      post('/v1/identify', { userId: 'u1', traits: { plan: 'pro' }, messageId: 'identify-1' }, auth),
      post('/v1/page', { anonymousId: 'a1', name: 'Home', properties: { url: 'https://www.example.com/' }, writeKey }),
      post('/v1/screen', { anonymousId: 'a1', name: 'Main', writeKey }),
      post('/v1/group', { userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } }, auth),
      post('/v1/alias', { userId: 'u1', previousId: 'a1' }, auth),
      post('/v1/batch', { batch: [{ type: 'track', userId: 'u2', event: 'Batched' }], writeKey }),
    ]);
    for (const a of answers) expect([a.status, a.body]).toEqual([200, { success: true }]);
    // The same message again (a retry) is stored once.
    expect(
      (await post('/v1/track', { userId: 'u1', event: 'Bought', properties: { sku: 'a' }, messageId: 'track-1', timestamp: ts }, auth))
        .status,
    ).toBe(200);
    const rows = await eventually(
      () => s.events(site),
      (r) => r.length >= 7,
    );
    expect(rows.map((r) => r.name).sort()).toEqual(['Batched', 'Bought', 'alias', 'group', 'identify', 'page_view', 'screen_view']);
    const bought = rows.find((r) => r.name === 'Bought')!;
    expect(Number(bought.ts)).toBe(Date.parse(ts));
    expect(rows.find((r) => r.name === 'page_view')!.path).toBe('/');
  });

  it('answers 400 only for bodies that are not JSON or messages without ids; quarantines the rest', async () => {
    const auth = { authorization: basic(writeKey) };
    expect((await post('/v1/batch', '{"batch":[', auth)).status).toBe(400);
    expect((await post('/v1/batch', '[]', auth)).status).toBe(400);
    const noIds = await post('/v1/track', { event: 'x' }, auth);
    expect(noIds.status).toBe(400);
    expect(noIds.body.error.message).toContain('userId or anonymousId is required');
    const mixed = await post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', event: 'x' },
          { type: 'track', userId: 'u', event: 'kept' },
        ],
      },
      auth,
    );
    expect([mixed.status, mixed.body]).toEqual([200, { success: true }]);
    const quarantined = (q: any) =>
      q.body.events.some((e: any) => e.contract === 'segment.batch' && e.errors[0].message === 'userId or anonymousId is required');
    const q = await eventually(
      () => s.request('GET', `/api/sites/${site.id}/ingest/quarantine`, undefined, { authorization: `Bearer ${readKey}` }),
      quarantined,
    );
    expect(quarantined(q)).toBe(true);
  });

  it('refuses missing, unknown, read-only and unscoped keys; an org-wide key names its site with X-Site-ID', async () => {
    const msg = { userId: 'u', event: 'auth' };
    expect((await post('/v1/track', msg)).status).toBe(401);
    expect((await post('/v1/track', msg, { authorization: basic('tm_live_nope') })).status).toBe(401);
    expect((await post('/v1/track', msg, { authorization: basic(readKey) })).status).toBe(403);
    const unscoped = await post('/v1/track', msg, { authorization: basic(s.keys.orgWide) });
    expect([unscoped.status, unscoped.body.error.code]).toEqual([403, 'write_key_not_scoped']);
    expect((await post('/v1/track', msg, { authorization: basic(s.keys.orgWide), 'x-site-id': s.otherSite.id })).status).toBe(403);
    expect((await post('/v1/track', msg, { authorization: basic(s.keys.orgWide), 'x-site-id': site.tracking_id })).status).toBe(200);
  });

  it('takes gzip bodies, refuses broken ones and unknown encodings, and leaves the /v1 read API as it was', async () => {
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', anonymousId: 'z', event: 'Zipped' }] }));
    const res = await fetch(`${s.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: basic(writeKey) },
      body: new Uint8Array(body),
    });
    expect(res.status).toBe(200);
    const broken = await fetch(`${s.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: basic(writeKey) },
      body: 'not gzip at all',
    });
    expect(broken.status).toBe(400);
    const odd = await fetch(`${s.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'compress', authorization: basic(writeKey) },
      body: '{}',
    });
    expect(odd.status).toBe(415);
    const sites = await s.request('GET', '/v1/sites', undefined, { authorization: `Bearer ${readKey}` });
    expect(sites.status).toBe(200);
    expect(sites.body.sites.map((x: any) => x.id)).toEqual([site.id]);
  });
});

describe('POST /v1/* over the rate limit', () => {
  it('answers 429 with Retry-After (the clients wait that long, or retry with backoff)', async () => {
    const limited = await startTestServer({}, { TIDEMARK_COLLECT_KEY_PER_MINUTE: '3' });
    try {
      const org = await limited.ctx.meta.orgs.create('Limited');
      const site = await limited.ctx.meta.sites.create(org.id, { name: 'L', domain: 'example.com' });
      const { rawKey } = await limited.ctx.meta.apiKeys.create({
        orgId: org.id,
        siteId: site.id,
        name: 'l',
        permissions: ['write'],
        rateLimitPerMin: 100_000,
        createdBy: null,
      });
      const send = () =>
        fetch(`${limited.url}/v1/track`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(rawKey) },
          body: JSON.stringify({ userId: 'u', event: 'e' }),
        });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const r = await send();
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.cleanup();
    }
  });
});
