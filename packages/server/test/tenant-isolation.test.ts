import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUpConfirmed, startAccountsServer, type AccountsServer } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';

/**
 * Tenant isolation over every route the app registers (app.routeTable), so routes added later are
 * covered without touching this file. Org B — its owner's session and each of its API keys, plus an
 * anonymous caller — targets org A's site, key, organization, user and invitation ids:
 *  - routes with path params must answer 401, 403 or 404;
 *  - no response may contain org A's data (names, domains, emails, tracking ids, key prefixes, event
 *    markers; ids too, unless the caller itself sent them and the answer is an error).
 * Deliberately public routes (health, tracker script, collection endpoints, sign-in, static dashboard)
 * are skipped.
 */

const PW = 'correct horse battery';
const rand = () => crypto.randomBytes(6).toString('hex');

/** Public by design: anyone may call them with any id (collection takes a public tracking id). */
const PUBLIC_ROUTES: RegExp[] = [
  /^\/health$/,
  /^\/t(\.[\w-]+)*\.js$/,
  /^\/api\/collect(\/|$)/,
  /^\/api\/v1\/collect(\/|$)/,
  /^\/api\/tracking\/(events|test)(\.js)?$/,
  /^\/api\/analytics\/track$/,
  /^\/api\/webhooks\//,
  /^\/api\/event$/,
  /^\/api\/auth\/(login|register|setup|logout)$/,
  // The consent banner's configuration and the recording of a decision (by tracking id, like collection).
  /^\/api\/consent(\/config)?$/,
  // An experiment's variants for the visitor a signed attribution id names (by tracking id, like collection).
  /^\/api\/experiments\/assign$/,
];

function isPublic(url: string): boolean {
  if (PUBLIC_ROUTES.some((r) => r.test(url))) return true;
  // The static dashboard (SPA shell and assets): outside /api and /v1, no named params.
  const underApi = url.startsWith('/api/') || url === '/api' || url.startsWith('/v1/') || url === '/v1';
  return !underApi && !/:\w/.test(url);
}

interface OrgA {
  orgId: string;
  orgName: string;
  userId: string;
  email: string;
  siteId: string;
  trackingId: string;
  siteName: string;
  domain: string;
  keyIds: string[];
  keyPrefixes: string[];
  rawKeys: string[];
  invitationId: string;
  goalId: string;
  goalName: string;
  funnelId: string;
  funnelName: string;
  experimentId: string;
  experimentName: string;
  marker: string;
}

describe('tenant isolation across every registered route', () => {
  let srv: AccountsServer;
  let a: OrgA;
  let ownerA: Client;
  let ownerB: Client;
  const bKeys: Record<string, string> = {};

  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    srv = await startAccountsServer({ openSignup: true, smtpUrl: sink.url });
    const tag = rand();
    ownerA = new Client(srv.url);
    const regA = await ownerA.post('/api/auth/register', { email: `alice-${tag}@org-a.test`, password: PW, org_name: `OrgA-${tag}` });
    expect(regA.status).toBe(201);
    const siteA = await ownerA.post('/api/sites', { name: `SiteA-${tag}`, domain: `a-${tag}.example.com` });
    expect(siteA.status).toBe(201);
    const keys = [];
    for (const permissions of [['read'], ['write'], ['admin']]) {
      const k = await ownerA.post('/api/keys', { name: `KeyA-${tag}`, permissions });
      expect(k.status).toBe(201);
      keys.push(k.body);
    }
    const inv = await ownerA.post(`/api/orgs/${regA.body.current_org.id}/invitations`, {
      email: `invitee-${tag}@org-a.test`,
      role: 'viewer',
    });
    expect(inv.status).toBe(201);
    const goal = await ownerA.post(`/api/sites/${siteA.body.id}/goals`, {
      name: `GoalA-${tag}`,
      type: 'destination',
      match: { path: '/a' },
    });
    expect(goal.status).toBe(201);
    const funnel = await ownerA.post(`/api/sites/${siteA.body.id}/funnels`, {
      name: `FunnelA-${tag}`,
      steps: [
        { name: 'Home', type: 'pageview', match: { url_pattern: '/' } },
        { name: 'Done', type: 'event', match: { event_name: 'done' } },
      ],
    });
    expect(funnel.status).toBe(201);
    const experiment = await ownerA.post(`/api/sites/${siteA.body.id}/experiments`, {
      key: `exp-${tag}`,
      name: `ExperimentA-${tag}`,
      variants: [
        { key: 'control', weight: 1 },
        { key: 'treatment', weight: 1 },
      ],
      metric: { type: 'goal', goal_id: goal.body.id },
    });
    expect(experiment.status).toBe(201);
    a = {
      orgId: regA.body.current_org.id,
      orgName: `OrgA-${tag}`,
      userId: regA.body.user.id,
      email: regA.body.user.email,
      siteId: siteA.body.id,
      trackingId: siteA.body.tracking_id,
      siteName: `SiteA-${tag}`,
      domain: `a-${tag}.example.com`,
      keyIds: keys.map((k) => k.id),
      keyPrefixes: keys.map((k) => k.key_prefix),
      rawKeys: keys.map((k) => k.key),
      invitationId: inv.body.id,
      goalId: goal.body.id,
      goalName: `GoalA-${tag}`,
      funnelId: funnel.body.id,
      funnelName: `FunnelA-${tag}`,
      experimentId: experiment.body.id,
      experimentName: `ExperimentA-${tag}`,
      marker: `marker${tag}`,
    };

    // Give org A some events with a distinctive path, when collection is available in this build.
    const collect = srv.app.routeTable.some((r) => r.method === 'POST' && r.url === '/api/collect');
    if (collect) {
      const ev = {
        name: 'page_view',
        properties: { url: `https://${a.domain}/${a.marker}`, path: `/${a.marker}`, title: a.marker, marker: a.marker },
      };
      await fetch(`${srv.url}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126 Safari/537.36',
          origin: `https://${a.domain}`,
        },
        body: JSON.stringify({ site_id: a.trackingId, events: [ev] }),
      }).catch(() => undefined);
    }

    const regB = await signUpConfirmed(srv.url, sink, `bob-${tag}@org-b.test`, PW, { org_name: `OrgB-${tag}` });
    ownerB = regB.client;
    expect(regB.me.current_org.id).not.toBe(a.orgId);
    const siteB = await ownerB.post('/api/sites', { name: `SiteB-${tag}`, domain: `b-${tag}.example.com` });
    for (const [label, body] of [
      ['read', { permissions: ['read'] }],
      ['write', { permissions: ['write'] }],
      ['admin', { permissions: ['admin'] }],
      ['all', { permissions: ['read', 'write', 'admin'] }],
      ['site-scoped', { permissions: ['read', 'admin'], site_id: siteB.body.id }],
    ] as const) {
      const k = await ownerB.post('/api/keys', { name: `KeyB-${label}`, ...body, rate_limit_per_min: 100_000 });
      expect(k.status).toBe(201);
      bKeys[label] = k.body.key;
    }
  });

  afterAll(async () => {
    await srv?.cleanup();
    await sink?.close();
  });

  /** Org A's id for a path parameter, by name; anything unknown gets a random id. */
  function paramValue(name: string): string {
    const n = name.toLowerCase().replace(/_/g, '');
    if (n === 'id' || n === 'siteid' || n === 'site') return a.siteId;
    if (n === 'trackingid') return a.trackingId;
    if (n === 'keyid') return a.keyIds[0]!;
    if (n === 'orgid' || n === 'organizationid') return a.orgId;
    if (n === 'userid' || n === 'memberid') return a.userId;
    if (n === 'invitationid') return a.invitationId;
    if (n === 'goalid') return a.goalId;
    if (n === 'funnelid') return a.funnelId;
    if (n === 'experimentid') return a.experimentId;
    return crypto.randomUUID();
  }

  function fillPath(url: string): { path: string; hasParams: boolean } {
    let hasParams = false;
    const path = url
      .split('/')
      .map((seg) => {
        if (seg === '*') return 'probe';
        return seg.replace(/:(\w+)(\([^)]*\))?/g, (_m, name: string) => {
          hasParams = true;
          return encodeURIComponent(paramValue(name));
        });
      })
      .join('/');
    return { path, hasParams: hasParams || url.includes('*') };
  }

  const probeQuery = () => `site_id=${a.siteId}&siteId=${a.siteId}&tenantId=${a.trackingId}&org_id=${a.orgId}&period=30d`;
  const probeBody = () => ({
    site_id: a.siteId,
    siteId: a.siteId,
    site: a.siteId,
    tenantId: a.trackingId,
    org_id: a.orgId,
    key_id: a.keyIds[0],
    user_id: a.userId,
    name: 'probe',
    domain: `probe-${rand()}.example.com`,
    email: `probe-${rand()}@org-b.test`,
    role: 'viewer',
    permissions: ['read'],
    token: crypto.randomUUID(),
  });

  /** Strings that must never reach org B: secrets and names always; ids unless B sent them and got an error. */
  function leaks(body: string, status: number, sent: string): string[] {
    const always = [
      a.orgName,
      a.email,
      a.trackingId,
      a.siteName,
      a.domain,
      a.marker,
      a.goalName,
      a.funnelName,
      a.experimentName,
      ...a.keyPrefixes,
      ...a.rawKeys,
    ];
    const ids = [a.orgId, a.userId, a.siteId, a.invitationId, a.goalId, a.funnelId, a.experimentId, ...a.keyIds];
    const found = always.filter((s) => body.includes(s));
    for (const id of ids) if (body.includes(id) && !(status >= 400 && sent.includes(id))) found.push(id);
    return found;
  }

  it('org B cannot reach org A through any route', async () => {
    const routes = srv.app.routeTable.filter((r) => r.method !== 'OPTIONS' && !isPublic(r.url));
    expect(routes.length).toBeGreaterThan(10);
    const bEmail = (await ownerB.get('/api/auth/me')).body.user.email as string;
    const failures: string[] = [];
    let checked = 0;

    for (const route of routes) {
      const { path, hasParams } = fillPath(route.url);
      const url = `${path}${path.includes('?') ? '&' : '?'}${probeQuery()}`;
      const callers: Array<[string, Client]> = [
        ['anonymous', new Client(srv.url)],
        ['B owner session', ownerB],
      ];
      for (const [label, key] of Object.entries(bKeys)) {
        const c = new Client(srv.url);
        c.bearer = key;
        callers.push([`B ${label} key`, c]);
      }
      for (const [who, client] of callers) {
        if (who === 'B owner session' && (await ownerB.get('/api/auth/me')).status !== 200) {
          await ownerB.post('/api/auth/login', { email: bEmail, password: PW });
        }
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? probeBody() : undefined;
        const sent = url + JSON.stringify(body ?? {});
        let res: Awaited<ReturnType<typeof client.request>>;
        try {
          res = await client.request(route.method, url, body, { 'x-probe': '1' });
        } catch (err) {
          failures.push(`${route.method} ${route.url} as ${who}: request failed (${String(err)})`);
          continue;
        }
        checked++;
        if (hasParams && ![401, 403, 404].includes(res.status)) {
          failures.push(`${route.method} ${route.url} as ${who}: expected 401/403/404, got ${res.status} ${res.text.slice(0, 200)}`);
        }
        const leaked = leaks(res.text, res.status, sent);
        if (leaked.length)
          failures.push(`${route.method} ${route.url} as ${who}: org A data in response (${leaked.join(', ')}): ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(routes.length);
  });

  it("the Plausible-compatible Stats API never finds org A's site for org B, by domain, tracking id or id", async () => {
    const callers: Client[] = [ownerB];
    for (const key of Object.values(bKeys)) {
      const c = new Client(srv.url);
      c.bearer = key;
      callers.push(c);
    }
    for (const client of callers) {
      for (const site_id of [a.domain, `www.${a.domain}`, a.trackingId, a.siteId]) {
        const res = await client.post('/api/v2/query', { site_id, metrics: ['visitors', 'pageviews'], date_range: '7d' });
        expect([403, 404], `${site_id}: ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
        expect(leaks(res.text, res.status, site_id)).toEqual([]);
      }
    }
  });

  it("org A's resources are untouched afterwards", async () => {
    expect(await srv.ctx.meta.sites.byId(a.siteId)).toMatchObject({ id: a.siteId, name: a.siteName, org_id: a.orgId });
    for (const raw of a.rawKeys) expect(await srv.ctx.meta.apiKeys.verify(raw)).not.toBeNull();
    expect(await srv.ctx.meta.members.roleOf(a.orgId, a.userId)).toBe('owner');
    expect((await srv.ctx.meta.members.list(a.orgId)).map((m) => m.user_id)).toEqual([a.userId]);
    expect((await srv.ctx.meta.orgs.byId(a.orgId))?.name).toBe(a.orgName);
    expect((await srv.ctx.meta.invitations.listPending(a.orgId)).map((i) => i.id)).toEqual([a.invitationId]);
    // Org A's own owner still sees everything.
    expect((await ownerA.get(`/api/sites/${a.siteId}`)).status).toBe(200);
  });

  it("a key's site scope and organization both bound it", async () => {
    const scoped = new Client(srv.url);
    scoped.bearer = bKeys['site-scoped']!;
    const all = new Client(srv.url);
    all.bearer = bKeys.all!;
    for (const c of [scoped, all]) {
      expect((await c.get(`/api/sites/${a.siteId}`)).status).toBe(404);
      expect((await c.patch(`/api/sites/${a.siteId}`, { name: 'pwned' })).status).toBe(404);
      expect((await c.del(`/api/sites/${a.siteId}`)).status).toBe(404);
      const list = await c.get('/api/sites');
      expect(list.text).not.toContain(a.siteId);
    }
  });
});
