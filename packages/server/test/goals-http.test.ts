import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, goalPreviewSchema, goalSchema, goalStatsSchema, queryResultSchema, type CanonicalEvent } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';

/**
 * Goals over HTTP: CRUD with roles and tenancy, bad input, goal stats, the live preview, the public API
 * and goal metrics through the stats endpoints — a real server (SQLite metadata, DuckDB events).
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let owner: Client;
let viewer: Client;
let stranger: Client;
let site: { id: string };
let otherSite: { id: string };
let strangerSite: { id: string };
let readKey: string;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
const PW = 'correct horse battery';

/** Yesterday, UTC noon: inside last_7_days and last_30_days whatever the hour. */
const BASE = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 1, 12);

/** Three visits: / → /pricing → /signup + signup_completed(pro); / only; /pricing → /signup. */
const VISITS: Array<{ visitor: string; steps: Array<[string, string, Record<string, string>?]> }> = [
  {
    visitor: 'v1',
    steps: [
      ['page_view', '/'],
      ['page_view', '/pricing'],
      ['page_view', '/signup'],
      ['signup_completed', '/signup', { plan: 'pro', goal: 'true' }],
    ],
  },
  { visitor: 'v2', steps: [['page_view', '/']] },
  {
    visitor: 'v3',
    steps: [
      ['page_view', '/pricing'],
      ['page_view', '/signup'],
    ],
  },
];

function visitEvents(siteId: string, offset: number): CanonicalEvent[] {
  let n = offset;
  return VISITS.flatMap((v, i) =>
    v.steps.map(([name, path, props], k) => {
      n += 1;
      const ts = BASE + i * 3_600_000 + k * 30_000;
      const e = emptyEvent({
        event_id: `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        site_id: siteId,
        ts,
        received_at: ts,
        name,
      });
      e.visitor_id = v.visitor;
      e.session_id = `${v.visitor}-s`;
      e.path = path;
      e.host = 'example.com';
      e.source = k === 0 ? 'Google' : '';
      if (props) e.props = props;
      return e;
    }),
  );
}

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  const reg = await signUp(srv.url, 'owner@example.com', PW, { org_name: 'Acme' });
  owner = reg.client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', PW, { org_name: 'Other' })).client;
  const mk = async (c: Client, domain: string) => {
    const r = await c.post('/api/sites', { domain, timezone: 'UTC' });
    if (r.status !== 201) throw new Error(`create site ${r.status} ${r.text}`);
    return r.body as { id: string };
  };
  site = await mk(owner, 'example.com');
  otherSite = await mk(owner, 'other.example.com');
  strangerSite = await mk(stranger, 'stranger.example');
  const inv = await owner.post(`/api/orgs/${reg.me.current_org.id}/invitations`, { email: 'vic@example.com', role: 'viewer' });
  viewer = new Client(srv.url);
  expect((await viewer.post('/api/auth/register', { email: 'vic@example.com', password: PW, invitation: inv.body.token })).status).toBe(
    201,
  );
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  await srv.ctx.events.write({
    events: [...visitEvents(site.id, 0), ...visitEvents(strangerSite.id, 100)],
    raw: [],
    quarantine: [],
    drops: [],
  });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const signupGoal = { name: 'Signed up', type: 'event', match: { event_name: 'signup_completed' } };

describe('goals CRUD', () => {
  it('creates (201), lists, reads, edits and deletes each type', async () => {
    const bodies = [
      { name: 'Signup page', type: 'destination', match: { path: '/signup' }, value: 20 },
      { name: 'Blog', type: 'destination', match: { path_regex: '^/blog/.+' } },
      signupGoal,
      { name: 'Long', type: 'duration', match: { min_duration_s: 60 } },
      { name: 'Deep', type: 'pages_per_session', match: { min_pages: 3 } },
    ];
    const ids: string[] = [];
    for (const b of bodies) {
      const r = await owner.post(`/api/sites/${site.id}/goals`, b);
      expect(r.status, r.text).toBe(201);
      expect(goalSchema.parse(r.body)).toMatchObject({
        site_id: site.id,
        name: b.name,
        type: b.type,
        match: b.match,
        value: (b as { value?: number }).value ?? null,
      });
      ids.push(r.body.id);
    }
    const list = await owner.get(`/api/sites/${site.id}/goals`);
    expect(list.body.goals.map((g: { id: string }) => g.id)).toEqual(ids);
    expect((await viewer.get(`/api/sites/${site.id}/goals`)).body.goals).toHaveLength(5);
    const patched = await owner.patch(`/api/sites/${site.id}/goals/${ids[0]}`, { name: 'Reached signup', value: null });
    expect(patched.body).toMatchObject({ name: 'Reached signup', type: 'destination', match: { path: '/signup' }, value: null });
    const retyped = await owner.patch(`/api/sites/${site.id}/goals/${ids[3]}`, { type: 'pages_per_session', match: { min_pages: 2 } });
    expect(retyped.body).toMatchObject({ type: 'pages_per_session', match: { min_pages: 2 } });
    for (const id of ids.slice(1, 2).concat(ids.slice(3))) expect((await owner.del(`/api/sites/${site.id}/goals/${id}`)).status).toBe(204);
    expect((await owner.get(`/api/sites/${site.id}/goals/${ids[1]}`)).status).toBe(404);
    expect((await owner.get(`/api/sites/${site.id}/goals`)).body.goals.map((g: { name: string }) => g.name)).toEqual([
      'Reached signup',
      'Signed up',
    ]);
  });

  it('refuses bad bodies with 400 and the usual error shape', async () => {
    const bad = [
      { name: 'Bad regex', type: 'destination', match: { path_regex: '(unclosed' } },
      { name: 'Lookahead', type: 'destination', match: { path_regex: '^/(?=a)' } },
      { name: '   ', type: 'destination', match: { path: '/x' } },
      { name: 'Unknown', type: 'clicks', match: {} },
      { name: 'Both', type: 'destination', match: { path: '/x', path_regex: 'x' } },
      { name: 'No event', type: 'event', match: {} },
      { name: 'Zero', type: 'pages_per_session', match: { min_pages: 0 } },
      { name: 'Extra', type: 'duration', match: { min_duration_s: 5 }, site_id: otherSite.id },
    ];
    for (const b of bad) {
      const r = await owner.post(`/api/sites/${site.id}/goals`, b);
      expect(r.status, JSON.stringify(b)).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    const [g] = (await owner.get(`/api/sites/${site.id}/goals`)).body.goals;
    expect((await owner.patch(`/api/sites/${site.id}/goals/${g.id}`, { type: 'event' })).status).toBe(400);
    expect((await owner.patch(`/api/sites/${site.id}/goals/${g.id}`, { match: { path_regex: '[' }, type: 'destination' })).status).toBe(
      400,
    );
  });

  it('lets viewers and read keys read but not change goals; other organizations get 404', async () => {
    expect((await viewer.post(`/api/sites/${site.id}/goals`, signupGoal)).status).toBe(403);
    const [g] = (await owner.get(`/api/sites/${site.id}/goals`)).body.goals;
    expect((await viewer.patch(`/api/sites/${site.id}/goals/${g.id}`, { name: 'x' })).status).toBe(403);
    expect((await viewer.del(`/api/sites/${site.id}/goals/${g.id}`)).status).toBe(403);
    expect((await viewer.get(`/api/sites/${site.id}/goals/${g.id}/stats?period=last_7_days`)).status).toBe(200);
    expect((await new Client(srv.url).get(`/v1/sites/${site.id}/goals`, bearer(readKey))).status).toBe(200);
    // Another organization: the site and the goal do not exist for it.
    for (const r of [
      await stranger.get(`/api/sites/${site.id}/goals`),
      await stranger.get(`/api/sites/${site.id}/goals/${g.id}`),
      await stranger.patch(`/api/sites/${site.id}/goals/${g.id}`, { name: 'mine' }),
      await stranger.del(`/api/sites/${site.id}/goals/${g.id}`),
      await stranger.get(`/api/sites/${site.id}/goals/${g.id}/stats`),
      // Its own site with org A's goal id.
      await stranger.get(`/api/sites/${strangerSite.id}/goals/${g.id}`),
      await stranger.get(`/api/sites/${strangerSite.id}/goals/${g.id}/stats`),
      await stranger.patch(`/api/sites/${strangerSite.id}/goals/${g.id}`, { name: 'mine' }),
    ])
      expect(r.status).toBe(404);
    // The same organization's other site does not have the goal either.
    expect((await owner.get(`/api/sites/${otherSite.id}/goals/${g.id}`)).status).toBe(404);
  });
});

describe('goal numbers', () => {
  let signup: string;
  let page: string;
  beforeAll(async () => {
    const goals = (await owner.get(`/api/sites/${site.id}/goals`)).body.goals as Array<{ id: string; type: string }>;
    signup = goals.find((g) => g.type === 'event')!.id;
    page = goals.find((g) => g.type === 'destination')!.id;
  });

  it('answers the goal stats endpoint in its shape (1 of 3 visitors signed up; 2 reached /signup)', async () => {
    const r = await owner.get(`/api/sites/${site.id}/goals/${signup}/stats?period=last_7_days&dimensions=source,page`);
    expect(r.status, r.text).toBe(200);
    const body = goalStatsSchema.parse(r.body);
    expect(body.goal.id).toBe(signup);
    expect(body.metrics.conversions.value).toBe(1);
    expect(body.metrics.converting_visitors.value).toBe(1);
    expect(body.metrics.conversion_rate.value).toBe(33.3);
    expect(body.timeseries.reduce((n, row) => n + Number(row.conversions), 0)).toBe(1);
    expect(body.dimensions.sources).toEqual([{ name: 'Google', conversions: 1, converting_visitors: 1, conversion_rate: 33.3 }]);
    const pageStats = await owner.get(`/v1/sites/${site.id}/goals/${page}/stats?period=last_7_days`, bearer(readKey));
    expect(pageStats.body.metrics.conversions.value).toBe(2);
    expect(pageStats.body.metrics.conversion_rate.value).toBe(66.7);
    expect((await owner.get(`/api/sites/${site.id}/goals/${signup}/stats?period=nope`)).status).toBe(400);
  });

  it('previews an unsaved goal over the last 30 days', async () => {
    const r = await owner.post(`/api/sites/${site.id}/goals/preview`, {
      name: 'Pricing',
      type: 'destination',
      match: { path: '/pricing*' },
    });
    expect(r.status, r.text).toBe(200);
    expect(goalPreviewSchema.parse(r.body)).toMatchObject({ conversions: 2, converting_visitors: 2 });
    expect(
      (await owner.post(`/api/sites/${site.id}/goals/preview`, { name: 'x', type: 'destination', match: { path_regex: '(' } })).status,
    ).toBe(400);
    expect((await viewer.post(`/api/sites/${site.id}/goals/preview`, signupGoal)).status).toBe(403);
  });

  it('takes goal metrics, the goal dimension and the goal filter in the stats endpoints', async () => {
    const q = await new Client(srv.url).post(
      '/v1/query',
      { site_id: site.id, date_range: 'last_7_days', metrics: ['conversions', 'conversion_rate'], dimensions: ['goal'] },
      bearer(readKey),
    );
    expect(q.status, q.text).toBe(200);
    expect(queryResultSchema.parse(q.body).rows).toEqual([
      { goal: page, conversions: 2, conversion_rate: 66.7 },
      { goal: signup, conversions: 1, conversion_rate: 33.3 },
    ]);
    const filtered = await owner.get(
      `/api/sites/${site.id}/stats?period=last_7_days&metrics=visitors,pageviews,conversions&filters=${encodeURIComponent(JSON.stringify([['is', 'goal', [signup]]]))}`,
    );
    expect(filtered.body.metrics).toMatchObject({ visitors: { value: 1 }, pageviews: { value: 3 }, conversions: { value: 1 } });
    // A goal of another site (or organization) in a filter is a 400.
    const foreign = (await owner.post(`/api/sites/${otherSite.id}/goals`, signupGoal)).body.id;
    const r = await new Client(srv.url).post(
      '/v1/query',
      { site_id: site.id, date_range: 'last_7_days', metrics: ['conversions'], filters: [['is', 'goal', [foreign]]] },
      bearer(readKey),
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_goal');
  });
});
