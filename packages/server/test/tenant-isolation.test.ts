import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUpConfirmed, startAccountsServer, type AccountsServer, type HttpResult } from './helpers/accounts';
import { HostClient } from './helpers/host-client';
import { startSmtpSink } from './helpers/smtp-sink';
import { isStaticDashboard, PUBLIC_ROUTES } from './helpers/public-routes';

/**
 * Tenant isolation over every route the app registers (app.routeTable), so routes added later are
 * covered without touching this file. Org B — its owner's session and each of its API keys, plus an
 * anonymous caller — targets org A's site, key, organization, user and invitation ids:
 *  - routes with path params must answer 401, 403 or 404;
 *  - no response may contain org A's data (names, domains, emails, tracking ids, key prefixes, event
 *    markers; ids too, unless the caller itself sent them and the answer is an error).
 * Deliberately public routes (health, tracker script, collection endpoints, sign-in, static dashboard)
 * are skipped. The same walk then runs inside a reseller's world: client C1 (a sub-organization, on its
 * own app host) is the target; the callers are a sibling client's admin (on the server's host, on its own
 * app host, and with its cookie and keys presented on C1's host) and another reseller's admin switched
 * into that reseller's client.
 */

const PW = 'correct horse battery';
const rand = () => crypto.randomBytes(6).toString('hex');

function isPublic(url: string): boolean {
  return PUBLIC_ROUTES.some((r) => r.test(url)) || isStaticDashboard(url);
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

/** Sends requests like Client (and HostClient, on a custom host). */
interface Requester {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  post(path: string, body?: unknown): Promise<HttpResult>;
}

/** One of the callers a walk tries every route as; `restore` puts its session back when a route ended it. */
interface Caller {
  who: string;
  client: Requester;
  restore?: () => Promise<void>;
}

/**
 * Gives an organization everything the walk probes for: a site, keys of each permission, a pending
 * invitation, a goal, a funnel and an event with a distinctive path. `c` is signed in with the
 * organization current.
 */
async function seedTarget(
  srv: AccountsServer,
  c: Requester,
  who: { orgId: string; orgName: string; userId: string; email: string },
  tag: string,
): Promise<OrgA> {
  const siteA = await c.post('/api/sites', { name: `SiteA-${tag}`, domain: `a-${tag}.example.com` });
  expect(siteA.status, siteA.text).toBe(201);
  const keys = [];
  for (const permissions of [['read'], ['write'], ['admin']]) {
    const k = await c.post('/api/keys', { name: `KeyA-${tag}`, permissions });
    expect(k.status).toBe(201);
    keys.push(k.body);
  }
  const inv = await c.post(`/api/orgs/${who.orgId}/invitations`, { email: `invitee-${tag}@org-a.test`, role: 'viewer' });
  expect(inv.status).toBe(201);
  const goal = await c.post(`/api/sites/${siteA.body.id}/goals`, { name: `GoalA-${tag}`, type: 'destination', match: { path: '/a' } });
  expect(goal.status).toBe(201);
  const funnel = await c.post(`/api/sites/${siteA.body.id}/funnels`, {
    name: `FunnelA-${tag}`,
    steps: [
      { name: 'Home', type: 'pageview', match: { url_pattern: '/' } },
      { name: 'Done', type: 'event', match: { event_name: 'done' } },
    ],
  });
  expect(funnel.status).toBe(201);
  const experiment = await c.post(`/api/sites/${siteA.body.id}/experiments`, {
    key: `exp-${tag}`,
    name: `ExperimentA-${tag}`,
    variants: [
      { key: 'control', weight: 1 },
      { key: 'treatment', weight: 1 },
    ],
    metric: { type: 'goal', goal_id: goal.body.id },
  });
  expect(experiment.status).toBe(201);
  const a: OrgA = {
    ...who,
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
  // Give the organization some events with a distinctive path, when collection is available in this build.
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
  return a;
}

/** Org A's id for a path parameter, by name; anything unknown gets a random id. */
function paramValue(a: OrgA, name: string): string {
  const n = name.toLowerCase().replace(/_/g, '');
  if (n === 'id' || n === 'siteid' || n === 'site') return a.siteId;
  if (n === 'trackingid') return a.trackingId;
  if (n === 'keyid') return a.keyIds[0]!;
  if (n === 'orgid' || n === 'organizationid' || n === 'clientid') return a.orgId;
  if (n === 'userid' || n === 'memberid') return a.userId;
  if (n === 'invitationid') return a.invitationId;
  if (n === 'goalid') return a.goalId;
  if (n === 'funnelid') return a.funnelId;
  if (n === 'experimentid') return a.experimentId;
  return crypto.randomUUID();
}

function fillPath(a: OrgA, url: string): { path: string; hasParams: boolean } {
  let hasParams = false;
  const path = url
    .split('/')
    .map((seg) => {
      if (seg === '*') return 'probe';
      return seg.replace(/:(\w+)(\([^)]*\))?/g, (_m, name: string) => {
        hasParams = true;
        return encodeURIComponent(paramValue(a, name));
      });
    })
    .join('/');
  return { path, hasParams: hasParams || url.includes('*') };
}

const probeQuery = (a: OrgA) => `site_id=${a.siteId}&siteId=${a.siteId}&tenantId=${a.trackingId}&org_id=${a.orgId}&period=30d`;
const probeBody = (a: OrgA, from: string) => ({
  site_id: a.siteId,
  siteId: a.siteId,
  site: a.siteId,
  tenantId: a.trackingId,
  org_id: a.orgId,
  key_id: a.keyIds[0],
  user_id: a.userId,
  name: 'probe',
  domain: `probe-${rand()}.example.com`,
  email: `probe-${rand()}@${from}`,
  role: 'viewer',
  permissions: ['read'],
  token: crypto.randomUUID(),
});

/** Strings that must never reach the caller: secrets and names always; ids unless it sent them and got an error. */
function leaks(a: OrgA, body: string, status: number, sent: string): string[] {
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
  const found = always.filter((x) => body.includes(x));
  for (const id of ids) if (body.includes(id) && !(status >= 400 && sent.includes(id))) found.push(id);
  return found;
}

/** Every non-public route, as every caller, aimed at `a`: the failures found. */
async function walk(
  srv: AccountsServer,
  a: OrgA,
  callers: Caller[],
  from: string,
): Promise<{ failures: string[]; checked: number; routes: number }> {
  const routes = srv.app.routeTable.filter((r) => r.method !== 'OPTIONS' && !isPublic(r.url));
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes) {
    const { path, hasParams } = fillPath(a, route.url);
    const url = `${path}${path.includes('?') ? '&' : '?'}${probeQuery(a)}`;
    for (const { who, client, restore } of callers) {
      await restore?.();
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? probeBody(a, from) : undefined;
      const sent = url + JSON.stringify(body ?? {});
      let res: HttpResult;
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
      const leaked = leaks(a, res.text, res.status, sent);
      if (leaked.length)
        failures.push(
          `${route.method} ${route.url} as ${who}: ${a.orgName} data in response (${leaked.join(', ')}): ${res.text.slice(0, 200)}`,
        );
    }
  }
  return { failures, checked, routes: routes.length };
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
    a = await seedTarget(
      srv,
      ownerA,
      { orgId: regA.body.current_org.id, orgName: `OrgA-${tag}`, userId: regA.body.user.id, email: regA.body.user.email },
      tag,
    );

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

  it('org B cannot reach org A through any route', async () => {
    const bEmail = (await ownerB.get('/api/auth/me')).body.user.email as string;
    const callers: Caller[] = [
      { who: 'anonymous', client: new Client(srv.url) },
      {
        who: 'B owner session',
        client: ownerB,
        // Routes such as sign-out end the session: sign in again before the next probe.
        restore: async () => {
          if ((await ownerB.get('/api/auth/me')).status !== 200) await ownerB.post('/api/auth/login', { email: bEmail, password: PW });
        },
      },
    ];
    for (const [label, key] of Object.entries(bKeys)) {
      const c = new Client(srv.url);
      c.bearer = key;
      callers.push({ who: `B ${label} key`, client: c });
    }
    const { failures, checked, routes } = await walk(srv, a, callers, 'org-b.test');
    expect(routes).toBeGreaterThan(10);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(routes);
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
        expect(leaks(a, res.text, res.status, site_id)).toEqual([]);
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

describe("tenant isolation among a reseller's clients and on custom hosts", () => {
  let srv: AccountsServer;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let c1: OrgA;
  let hostC1 = '';
  let hostC2 = '';
  let alice: Client;
  let carol: Client;
  let carolOnHost: HostClient;
  let dave: Client;
  const carolEmail = () => `carol-${tagOf}@c2.test`;
  const tagOf = rand();
  let carolAdminKey = '';
  let daveClient = '';
  let daveReseller = '';

  /** A reseller's admin invites a person into one of its clients (switched in); returns the person's session there. */
  async function inviteIntoClient(reseller: Client, resellerId: string, clientId: string, email: string): Promise<Client> {
    expect((await reseller.post(`/api/orgs/${resellerId}/clients/${clientId}/switch`)).status).toBe(200);
    const inv = await reseller.post(`/api/orgs/${clientId}/invitations`, { email, role: 'admin' });
    expect(inv.status, inv.text).toBe(201);
    const person = new Client(srv.url);
    const accepted = await person.post('/api/invitations/accept', { token: inv.body.token, password: PW });
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body.current_org.id).toBe(clientId);
    return person;
  }

  async function verifiedAppHost(orgId: string, host: string): Promise<void> {
    const d = await srv.ctx.meta.orgDomains.create(orgId, host, 'app');
    await srv.ctx.meta.orgDomains.recordCheck(d!.id, { method: 'txt', error: null });
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    srv = await startAccountsServer({ openSignup: true, smtpUrl: sink.url });
    const tag = tagOf;
    const reseller = new Client(srv.url);
    const reg = await reseller.post('/api/auth/register', {
      email: `agency-${tag}@reseller.test`,
      password: PW,
      org_name: `Agency-${tag}`,
    });
    expect(reg.status).toBe(201);
    const resellerId = reg.body.current_org.id as string;
    await srv.ctx.meta.tenancy.setReseller(resellerId, true, {
      max_sub_organizations: null,
      max_sites_per_sub_org: null,
      max_events_per_sub_org: null,
    });
    const client1 = await reseller.post(`/api/orgs/${resellerId}/clients`, { name: `ClientOne-${tag}` });
    const client2 = await reseller.post(`/api/orgs/${resellerId}/clients`, { name: `ClientTwo-${tag}` });
    expect([client1.status, client2.status]).toEqual([201, 201]);

    alice = await inviteIntoClient(reseller, resellerId, client1.body.id, `alice-${tag}@c1.test`);
    const me = (await alice.get('/api/auth/me')).body;
    c1 = await seedTarget(
      srv,
      alice,
      { orgId: client1.body.id, orgName: `ClientOne-${tag}`, userId: me.user.id, email: me.user.email },
      tag,
    );
    carol = await inviteIntoClient(reseller, resellerId, client2.body.id, carolEmail());
    await carol.post('/api/sites', { name: `SiteC2-${tag}`, domain: `c2-${tag}.example.com` });
    const key = await carol.post('/api/keys', { name: 'KeyC2', permissions: ['read', 'write', 'admin'], rate_limit_per_min: 100_000 });
    carolAdminKey = key.body.key;
    expect((await reseller.post('/api/auth/reseller-return')).status).toBe(200);

    hostC1 = `c1-${tag}.apps.test`;
    hostC2 = `c2-${tag}.apps.test`;
    await verifiedAppHost(client1.body.id, hostC1);
    await verifiedAppHost(client2.body.id, hostC2);
    carolOnHost = new HostClient(srv.url, hostC2);
    expect((await carolOnHost.post('/api/auth/login', { email: carolEmail(), password: PW })).status).toBe(200);

    // Another reseller, whose admin is switched into its own client.
    const other = await signUpConfirmed(srv.url, sink, `dave-${tag}@reseller2.test`, PW, { org_name: `OtherAgency-${tag}` });
    dave = other.client;
    daveReseller = other.me.current_org.id;
    await srv.ctx.meta.tenancy.setReseller(daveReseller, true, {
      max_sub_organizations: null,
      max_sites_per_sub_org: null,
      max_events_per_sub_org: null,
    });
    daveClient = (await dave.post(`/api/orgs/${daveReseller}/clients`, { name: `DaveClient-${tag}` })).body.id;
  });

  afterAll(async () => {
    await srv?.cleanup();
    await sink?.close();
  });

  it("a request on client C2's host, with C2's cookie or keys, or as another reseller's admin, reaches nothing of client C1", async () => {
    const carolLogin = async () => {
      if ((await carol.get('/api/auth/me')).status !== 200) await carol.post('/api/auth/login', { email: carolEmail(), password: PW });
    };
    const carolCookieOnC1 = new HostClient(srv.url, hostC1);
    const carolKeyOnC1 = new HostClient(srv.url, hostC1);
    carolKeyOnC1.bearer = carolAdminKey;
    const carolKey = new Client(srv.url);
    carolKey.bearer = carolAdminKey;
    const callers: Caller[] = [
      { who: "anonymous on C1's host", client: new HostClient(srv.url, hostC1) },
      { who: 'C2 admin session', client: carol, restore: carolLogin },
      {
        who: "C2 admin on C2's host",
        client: carolOnHost,
        restore: async () => {
          if ((await carolOnHost.get('/api/auth/me')).status !== 200)
            await carolOnHost.post('/api/auth/login', { email: carolEmail(), password: PW });
        },
      },
      {
        who: "C2 admin's cookie on C1's host",
        client: carolCookieOnC1,
        restore: async () => {
          await carolLogin();
          carolCookieOnC1.cookie = carol.cookie;
        },
      },
      { who: 'C2 admin key', client: carolKey },
      { who: "C2 admin key on C1's host", client: carolKeyOnC1 },
      {
        who: "another reseller's admin switched into its client",
        client: dave,
        restore: async () => {
          const me = await dave.get('/api/auth/me');
          if (me.status !== 200) await dave.post('/api/auth/login', { email: `dave-${tagOf}@reseller2.test`, password: PW });
          if (me.status !== 200 || me.body.viewing_as?.org_id !== daveClient) {
            const sw = await dave.post(`/api/orgs/${daveReseller}/clients/${daveClient}/switch`);
            expect(sw.status, sw.text).toBe(200);
          }
        },
      },
    ];
    const { failures, checked, routes } = await walk(srv, c1, callers, 'c2.test');
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(routes);
  });

  it("client C2's people cannot sign in on C1's host, nor C1's on C2's; a C2 session is no session there", async () => {
    const onC1 = new HostClient(srv.url, hostC1);
    const refused = await onC1.post('/api/auth/login', { email: carolEmail(), password: PW });
    expect(refused.status).toBe(401);
    expect(onC1.cookie).toBeNull();
    const onC2 = new HostClient(srv.url, hostC2);
    expect((await onC2.post('/api/auth/login', { email: c1.email, password: PW })).status).toBe(401);
    const aliceOnC1 = new HostClient(srv.url, hostC1);
    const ok = await aliceOnC1.post('/api/auth/login', { email: c1.email, password: PW });
    expect(ok.status).toBe(200);
    expect(ok.body.current_org.id).toBe(c1.orgId);
    // Carol's cookie from C2's host presented on C1's host: anonymous there.
    const borrowed = new HostClient(srv.url, hostC1);
    borrowed.cookie = carolOnHost.cookie;
    expect((await carolOnHost.get('/api/auth/me')).status).toBe(200);
    expect((await borrowed.get('/api/auth/me')).status).toBe(401);
    expect((await borrowed.get('/api/sites')).status).toBe(401);
    expect((await borrowed.get(`/api/sites/${c1.siteId}`)).status).toBe(401);
  });

  it("client C1's resources are untouched afterwards", async () => {
    expect(await srv.ctx.meta.sites.byId(c1.siteId)).toMatchObject({ id: c1.siteId, name: c1.siteName, org_id: c1.orgId });
    for (const raw of c1.rawKeys) expect(await srv.ctx.meta.apiKeys.verify(raw)).not.toBeNull();
    expect(await srv.ctx.meta.members.roleOf(c1.orgId, c1.userId)).toBe('admin');
    expect((await srv.ctx.meta.invitations.listPending(c1.orgId)).map((i) => i.id)).toEqual([c1.invitationId]);
    expect((await alice.get(`/api/sites/${c1.siteId}`)).status).toBe(200);
  });
});
