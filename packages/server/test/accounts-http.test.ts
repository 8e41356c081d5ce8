import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKeyForCollect } from '../src/auth';
import { Client, signUp, startAccountsServer, type AccountsServer } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';

const PW = 'correct horse battery';

describe('accounts over HTTP: first run, sessions, sites, keys, invitations', () => {
  let srv: AccountsServer;
  let owner: Client;
  let orgId: string;
  let siteId: string;

  beforeAll(async () => {
    srv = await startAccountsServer();
  });
  afterAll(async () => {
    await srv?.cleanup();
  });

  it('reports first-run setup, then makes the first account owner of a new organization', async () => {
    const anon = new Client(srv.url);
    expect((await anon.get('/api/auth/setup')).body).toMatchObject({ needs_setup: true, open_signup: false });

    const reg = await anon.post('/api/auth/register', { email: 'Owner@Example.com', password: PW, name: 'Olivia', org_name: 'Acme' });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ email: 'owner@example.com', name: 'Olivia' });
    expect(reg.body.current_org).toMatchObject({ name: 'Acme', role: 'owner' });
    const setCookie = reg.headers.getSetCookie().find((c) => c.startsWith('tm_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    owner = anon;
    orgId = reg.body.current_org.id;

    expect((await new Client(srv.url).get('/api/auth/setup')).body.needs_setup).toBe(false);
    // The session token is stored only as a hash.
    const token = owner.cookie!.split('=')[1]!;
    const rows = await srv.ctx.meta.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('closes sign-up after the first account unless open sign-up is on', async () => {
    const r = await new Client(srv.url).post('/api/auth/register', { email: 'stranger@example.com', password: PW });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
  });

  it('validates registration input', async () => {
    const c = new Client(srv.url);
    expect((await c.post('/api/auth/register', { email: 'not-an-email', password: PW })).status).toBe(400);
    expect((await c.post('/api/auth/register', { email: 'a@b.co', password: 'short' })).status).toBe(400);
  });

  it('signs in and out, rotates on refresh, and rejects wrong passwords', async () => {
    const c = new Client(srv.url);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    const bad = await c.post('/api/auth/login', { email: 'owner@example.com', password: 'wrong password' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_credentials');
    const unknown = await c.post('/api/auth/login', { email: 'nobody@example.com', password: PW });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_credentials');

    const ok = await c.post('/api/auth/login', { email: 'OWNER@example.com', password: PW });
    expect(ok.status).toBe(200);
    expect(ok.body.current_org.id).toBe(orgId);
    expect((await c.get('/api/auth/me')).body.user.email).toBe('owner@example.com');

    const before = c.cookie;
    const refreshed = await c.post('/api/auth/refresh');
    expect(refreshed.status).toBe(200);
    expect(c.cookie).not.toBe(before);
    const stale = new Client(srv.url);
    stale.cookie = before;
    expect((await stale.get('/api/auth/me')).status).toBe(401);

    expect((await c.post('/api/auth/logout')).status).toBe(204);
    expect(c.cookie).toBeNull();
    const replay = new Client(srv.url);
    replay.cookie = refreshed.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  it('throttles repeated failed logins per account with 429 and Retry-After', async () => {
    const c = new Client(srv.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await c.post('/api/auth/login', { email: 'victim@example.com', password: `guess-${i}-xx` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const again = await c.post('/api/auth/login', { email: 'victim@example.com', password: 'whatever-pw' });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same IP is not locked by this one's failures.
    expect((await c.post('/api/auth/login', { email: 'owner@example.com', password: PW })).status).toBe(200);
  });

  it('expires sessions after the idle timeout', async () => {
    const c = new Client(srv.url);
    await c.post('/api/auth/login', { email: 'owner@example.com', password: PW });
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const idleMs = srv.ctx.auth.sessionIdleMs;
    const sessions = await srv.ctx.meta.db.selectFrom('sessions').select(['id', 'last_seen_at']).orderBy('created_at', 'desc').execute();
    await srv.ctx.meta.db
      .updateTable('sessions')
      .set({ last_seen_at: Date.now() - idleMs - 1000 })
      .where('id', '=', sessions[0]!.id)
      .execute();
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('refuses cookie-authenticated changes without a same-origin Origin', async () => {
    const noOrigin = new Client(srv.url, { origin: null });
    noOrigin.cookie = owner.cookie;
    const r1 = await noOrigin.post('/api/sites', { domain: 'csrf.example.com' });
    expect(r1.status).toBe(403);
    const r2 = await noOrigin.post('/api/sites', { domain: 'csrf.example.com' }, { origin: 'https://evil.example' });
    expect(r2.status).toBe(403);
    const r3 = await noOrigin.post('/api/sites', { domain: 'csrf.example.com' }, { 'sec-fetch-site': 'cross-site' });
    expect(r3.status).toBe(403);
    const ok = await noOrigin.post('/api/sites', { domain: 'csrf.example.com' }, { 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(201);
    // Reads need no Origin.
    expect((await noOrigin.get('/api/sites')).status).toBe(200);
    // A cross-site sign-in form is refused too.
    const login = await new Client(srv.url, { origin: 'https://evil.example' }).post('/api/auth/login', {
      email: 'owner@example.com',
      password: PW,
    });
    expect(login.status).toBe(403);
  });

  it('creates, validates, reads, updates and deletes sites', async () => {
    const created = await owner.post('/api/sites', {
      name: 'Main',
      domain: 'https://WWW.Example.com/home',
      timezone: 'Europe/Berlin',
      excluded_ips: ['10.0.0.0/8', '2001:db8::1'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Main',
      domain: 'www.example.com',
      timezone: 'Europe/Berlin',
      org_id: orgId,
      cookieless: true,
      respect_dnt: true,
      session_timeout_min: 30,
    });
    expect(created.body.id).toEqual(expect.any(String));
    expect(created.body.tracking_id).toMatch(/^[0-9A-Za-z]{12}$/);
    siteId = created.body.id;

    for (const bad of [
      { domain: 'not a domain' },
      { domain: 'ok.example.com', timezone: 'Mars/Olympus' },
      { domain: 'ok.example.com', excluded_ips: ['300.1.1.1'] },
      { domain: 'ok.example.com', excluded_paths: ['admin'] },
      { domain: 'ok.example.com', retention_days: -1 },
    ]) {
      const r = await owner.post('/api/sites', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.success).toBe(false);
    }

    expect((await owner.get(`/api/sites/${siteId}`)).body.id).toBe(siteId);
    const list = await owner.get('/api/sites');
    expect(list.body.sites.map((s: { id: string }) => s.id)).toContain(siteId);

    const patched = await owner.patch(`/api/sites/${siteId}`, {
      respect_dnt: false,
      allowed_hosts: ['*.example.org'],
      session_timeout_min: 45,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ respect_dnt: false, allowed_hosts: ['*.example.org'], session_timeout_min: 45, name: 'Main' });
    expect((await owner.patch(`/api/sites/${siteId}`, { timezone: 'Nowhere/Else' })).status).toBe(400);

    const snippet = await owner.get(`/api/sites/${siteId}/snippet`);
    expect(snippet.body.snippet).toBe(`<script defer src="${srv.url}/t.js" data-site="${created.body.tracking_id}"></script>`);

    const tmp = await owner.post('/api/sites', { domain: 'tmp.example.com' });
    expect(tmp.body.name).toBe('tmp.example.com');
    expect((await owner.del(`/api/sites/${tmp.body.id}`)).status).toBe(204);
    expect((await owner.get(`/api/sites/${tmp.body.id}`)).status).toBe(404);
    expect((await owner.get('/api/sites/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect(await srv.ctx.meta.sites.byTrackingId(created.body.tracking_id)).toMatchObject({ id: siteId, respect_dnt: false });
  });

  it('issues API keys shown once, authorizes Bearer reads by scope and permission, and revokes them', async () => {
    const anon = new Client(srv.url);
    const created = await owner.post('/api/keys', { name: 'reporting', permissions: ['read'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^tm_live_[0-9A-Za-z]{32}$/);
    expect(created.body).toMatchObject({ key_prefix: created.body.key.slice(0, 14), permissions: ['read'], site_id: null });
    const listed = await owner.get('/api/keys');
    expect(listed.text).not.toContain(created.body.key);
    expect(listed.body.keys.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({
      key_prefix: created.body.key_prefix,
      last_used_at: null,
    });

    const reader = new Client(srv.url);
    reader.bearer = created.body.key;
    expect((await reader.get(`/api/sites/${siteId}`)).status).toBe(200);
    expect((await reader.get('/api/sites')).body.sites.length).toBeGreaterThan(0);
    expect((await reader.patch(`/api/sites/${siteId}`, { name: 'x' })).status).toBe(403);
    expect((await reader.get('/api/keys')).status).toBe(403);
    const used = (await owner.get('/api/keys')).body.keys.find((k: { id: string }) => k.id === created.body.id);
    expect(used.last_used_at).toEqual(expect.any(Number));

    // Keys never travel in URLs.
    const inUrl = await anon.get(`/api/sites/${siteId}?api_key=${created.body.key}`);
    expect(inUrl.status).toBe(400);
    expect(inUrl.body.error.code).toBe('api_key_in_url');

    const bogus = new Client(srv.url);
    bogus.bearer = 'tm_live_' + 'A'.repeat(32);
    expect((await bogus.get(`/api/sites/${siteId}`)).status).toBe(401);

    expect((await owner.del(`/api/keys/${created.body.id}`)).status).toBe(204);
    expect((await reader.get(`/api/sites/${siteId}`)).status).toBe(401);
    expect((await owner.del(`/api/keys/${created.body.id}`)).status).toBe(404);
  });

  it('scopes site-bound keys and separates write (ingestion) from read', async () => {
    const other = await owner.post('/api/sites', { domain: 'other.example.com' });
    const scoped = await owner.post('/api/keys', { name: 'one site', permissions: ['read'], site_id: siteId });
    const writer = await owner.post('/api/keys', { name: 'ingest', permissions: ['write'] });
    expect(scoped.body.site_id).toBe(siteId);
    const c = new Client(srv.url);
    c.bearer = scoped.body.key;
    expect((await c.get(`/api/sites/${siteId}`)).status).toBe(200);
    expect((await c.get(`/api/sites/${other.body.id}`)).status).toBe(404);
    expect((await c.get('/api/sites')).body.sites.map((s: { id: string }) => s.id)).toEqual([siteId]);
    const w = new Client(srv.url);
    w.bearer = writer.body.key;
    expect((await w.get(`/api/sites/${siteId}`)).status).toBe(403);

    const site = await srv.ctx.meta.sites.byId(siteId);
    const ok = await requireKeyForCollect(srv.ctx, writer.body.key, site!.tracking_id);
    expect(ok.site.id).toBe(siteId);
    expect((await requireKeyForCollect(srv.ctx, writer.body.key, siteId)).key.id).toBe(writer.body.id);
    await expect(requireKeyForCollect(srv.ctx, scoped.body.key, siteId)).rejects.toMatchObject({ status: 403 });
    await expect(requireKeyForCollect(srv.ctx, 'tm_live_nope', siteId)).rejects.toMatchObject({ status: 401 });
    await expect(requireKeyForCollect(srv.ctx, undefined, siteId)).rejects.toMatchObject({ status: 401 });
    await expect(requireKeyForCollect(srv.ctx, writer.body.key)).rejects.toMatchObject({ status: 400 });
    const scopedWriter = await owner.post('/api/keys', { name: 'ingest one', permissions: ['write'], site_id: siteId });
    expect((await requireKeyForCollect(srv.ctx, scopedWriter.body.key)).site.id).toBe(siteId);
    await expect(requireKeyForCollect(srv.ctx, scopedWriter.body.key, other.body.id)).rejects.toMatchObject({ status: 403 });

    expect((await owner.post('/api/keys', { name: 'bad', permissions: ['root'] })).status).toBe(400);
    expect((await owner.post('/api/keys', { name: 'bad', permissions: [] })).status).toBe(400);
    expect(
      (await owner.post('/api/keys', { name: 'bad', permissions: ['read'], site_id: '00000000-0000-0000-0000-000000000000' })).status,
    ).toBe(404);
  });

  it('rate-limits each key per minute with 429 and Retry-After', async () => {
    const k = await owner.post('/api/keys', { name: 'tiny', permissions: ['read'], rate_limit_per_min: 2 });
    const c = new Client(srv.url);
    c.bearer = k.body.key;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await c.get(`/api/sites/${siteId}`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const r = await c.get(`/api/sites/${siteId}`);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('invites people by token, with role-based permissions once they join', async () => {
    const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: 'mia@example.com', role: 'member' });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email: 'mia@example.com', role: 'member', emailed: false });
    expect(inv.body.accept_url).toBe(`${srv.url}/invite/${inv.body.token}`);
    expect((await owner.get(`/api/orgs/${orgId}/invitations`)).body.invitations.map((i: { id: string }) => i.id)).toContain(inv.body.id);

    const preview = await new Client(srv.url).get(`/api/invitations/${inv.body.token}`);
    expect(preview.body).toMatchObject({ org_name: 'Acme', email: 'mia@example.com', role: 'member', account_exists: false });

    const mia = new Client(srv.url);
    const accepted = await mia.post(`/api/invitations/${inv.body.token}/accept`, { password: PW, name: 'Mia' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.current_org).toMatchObject({ id: orgId, role: 'member' });
    // Single use.
    expect((await new Client(srv.url).post(`/api/invitations/${inv.body.token}/accept`, { password: PW })).status).toBe(404);

    // Member: reads, creates sites and edits settings; cannot delete sites, manage keys or members.
    expect((await mia.get(`/api/sites/${siteId}`)).status).toBe(200);
    expect((await mia.patch(`/api/sites/${siteId}`, { name: 'Renamed by member' })).status).toBe(200);
    const miaSite = await mia.post('/api/sites', { domain: 'mia.example.com' });
    expect(miaSite.status).toBe(201);
    expect((await mia.del(`/api/sites/${siteId}`)).status).toBe(403);
    expect((await mia.get('/api/keys')).status).toBe(403);
    expect((await mia.post('/api/keys', { name: 'x', permissions: ['read'] })).status).toBe(403);
    expect((await mia.post(`/api/orgs/${orgId}/invitations`, { email: 'z@example.com' })).status).toBe(403);
    expect((await mia.get(`/api/orgs/${orgId}/members`)).body.members.map((m: { email: string }) => m.email)).toEqual([
      'owner@example.com',
      'mia@example.com',
    ]);

    // Viewer (invited through the body-token route): read-only.
    const vinv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: 'vic@example.com', role: 'viewer' });
    const vic = new Client(srv.url);
    expect((await vic.post('/api/auth/register', { email: 'vic@example.com', password: PW, invitation: vinv.body.token })).status).toBe(
      201,
    );
    expect((await vic.get(`/api/sites/${siteId}`)).status).toBe(200);
    expect((await vic.get(`/api/sites/${siteId}/snippet`)).status).toBe(200);
    expect((await vic.patch(`/api/sites/${siteId}`, { name: 'nope' })).status).toBe(403);
    expect((await vic.post('/api/sites', { domain: 'vic.example.com' })).status).toBe(403);
    expect((await vic.del(`/api/sites/${miaSite.body.id}`)).status).toBe(403);

    // Role changes: the owner promotes Mia to admin; she may then delete sites and manage keys.
    const miaId = accepted.body.user.id;
    expect((await owner.patch(`/api/orgs/${orgId}/members/${miaId}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await mia.del(`/api/sites/${miaSite.body.id}`)).status).toBe(204);
    expect((await mia.get('/api/keys')).status).toBe(200);
    // Admins cannot touch owners or mint owners; the last owner cannot be demoted or removed.
    const ownerId = (await owner.get('/api/auth/me')).body.user.id;
    expect((await mia.patch(`/api/orgs/${orgId}/members/${ownerId}`, { role: 'viewer' })).status).toBe(403);
    expect((await mia.post(`/api/orgs/${orgId}/invitations`, { email: 'boss@example.com', role: 'owner' })).status).toBe(403);
    expect((await owner.patch(`/api/orgs/${orgId}/members/${ownerId}`, { role: 'admin' })).status).toBe(409);
    expect((await owner.del(`/api/orgs/${orgId}/members/${ownerId}`)).status).toBe(409);

    // Removing a member ends their access at once.
    const vicId = (await vic.get('/api/auth/me')).body.user.id;
    expect((await mia.del(`/api/orgs/${orgId}/members/${vicId}`)).status).toBe(204);
    expect((await vic.get(`/api/sites/${siteId}`)).status).toBe(401);
    expect((await vic.get('/api/auth/me')).body.current_org).toBeNull();
  });

  it('lets a signed-in user join a second organization and switch between them', async () => {
    const newOrg = await owner.post('/api/orgs', { name: 'Side Project' });
    expect(newOrg.status).toBe(201);
    const side = await owner.post(`/api/orgs/${newOrg.body.id}/switch`);
    expect(side.body.current_org).toMatchObject({ id: newOrg.body.id, role: 'owner' });
    expect((await owner.get('/api/sites')).body.sites).toEqual([]);
    // A site in another of the user's organizations stays reachable by id.
    expect((await owner.get(`/api/sites/${siteId}`)).status).toBe(200);

    const inv = await owner.post(`/api/orgs/${newOrg.body.id}/invitations`, { email: 'mia@example.com', role: 'viewer' });
    const mia = new Client(srv.url);
    await mia.post('/api/auth/login', { email: 'mia@example.com', password: PW });
    const wrongUser = new Client(srv.url);
    await wrongUser.post('/api/auth/login', { email: 'owner@example.com', password: PW });
    expect((await wrongUser.post('/api/invitations/accept', { token: inv.body.token })).status).toBe(403);
    const joined = await mia.post('/api/invitations/accept', { token: inv.body.token });
    expect(joined.status).toBe(200);
    expect(joined.body.current_org).toMatchObject({ id: newOrg.body.id, role: 'viewer' });
    expect(joined.body.orgs.map((o: { id: string }) => o.id).sort()).toEqual([orgId, newOrg.body.id].sort());
    const back = await mia.post('/api/auth/org', { org_id: orgId });
    expect(back.body.current_org).toMatchObject({ id: orgId, role: 'admin' });
    expect((await mia.post('/api/auth/org', { org_id: '00000000-0000-0000-0000-000000000000' })).status).toBe(404);
    await owner.post('/api/auth/org', { org_id: orgId });
  });

  it('changes passwords, ending other sessions', async () => {
    const a = new Client(srv.url);
    const b = new Client(srv.url);
    await a.post('/api/auth/login', { email: 'mia@example.com', password: PW });
    await b.post('/api/auth/login', { email: 'mia@example.com', password: PW });
    expect((await a.post('/api/auth/password', { current_password: 'wrong-one', new_password: 'new password 123' })).status).toBe(403);
    expect((await a.post('/api/auth/password', { current_password: PW, new_password: 'new password 123' })).status).toBe(200);
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect((await b.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(srv.url).post('/api/auth/login', { email: 'mia@example.com', password: 'new password 123' })).status).toBe(
      200,
    );
  });

  it('stores argon2id hashes with at least the required cost', async () => {
    const row = await srv.ctx.meta.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'owner@example.com')
      .executeTakeFirstOrThrow();
    const m = /^\$argon2id\$v=19\$([^$]+)\$/.exec(row.password_hash!);
    expect(m).not.toBeNull();
    const params = Object.fromEntries(
      m![1]!
        .split(',')
        .map((kv) => kv.split('='))
        .map(([k, v]) => [k, Number(v)]),
    );
    expect(params.m).toBeGreaterThanOrEqual(19456);
    expect(params.t).toBeGreaterThanOrEqual(2);
    expect(params.p).toBeGreaterThanOrEqual(1);
  });
});

describe('accounts: configuration', () => {
  it('marks cookies Secure behind a trusted TLS proxy only', async () => {
    const srv = await startAccountsServer({ trustedProxies: ['127.0.0.1'] });
    try {
      const c = new Client(srv.url);
      const r = await c.post(
        '/api/auth/register',
        { email: 'tls@example.com', password: PW },
        { 'x-forwarded-proto': 'https', origin: srv.url.replace('http:', 'https:') },
      );
      expect(r.status).toBe(201);
      expect(r.headers.getSetCookie()[0]).toMatch(/;\s*Secure/i);
    } finally {
      await srv.cleanup();
    }
    const untrusted = await startAccountsServer();
    try {
      const r = await new Client(untrusted.url).post(
        '/api/auth/register',
        { email: 'tls@example.com', password: PW },
        { 'x-forwarded-proto': 'https' },
      );
      expect(r.status).toBe(201);
      expect(r.headers.getSetCookie()[0]).not.toMatch(/Secure/i);
    } finally {
      await untrusted.cleanup();
    }
  });

  it('with open sign-up, each new account gets its own organization once its e-mail is confirmed', async () => {
    const sink = await startSmtpSink();
    const srv = await startAccountsServer({ openSignup: true, smtpUrl: sink.url });
    try {
      const a = await signUp(srv.url, 'a@example.com');
      const b = new Client(srv.url);
      expect((await b.post('/api/auth/register', { email: 'b@example.com', password: PW })).status).toBe(202);
      const token = /\/verify-email\/([A-Za-z0-9_-]+)/.exec(sink.messages[0]!.replace(/=\r\n/g, ''))![1]!;
      const verified = await b.post('/api/auth/verify-email', { token, password: PW });
      expect(verified.status).toBe(200);
      expect(a.me.current_org.role).toBe('owner');
      expect(verified.body.current_org.role).toBe('owner');
      expect(a.me.current_org.id).not.toBe(verified.body.current_org.id);
      expect((await new Client(srv.url).get('/api/auth/setup')).body.open_signup).toBe(true);
    } finally {
      await srv.cleanup();
      await sink.close();
    }
  });

  it('with TIDEMARK_PUBLIC_URL set, the same-origin check compares against it, not the Host header', async () => {
    const srv = await startAccountsServer({ publicUrl: 'https://stats.example.com' });
    try {
      const viaPublic = new Client(srv.url, { origin: 'https://stats.example.com' });
      expect((await viaPublic.post('/api/auth/register', { email: 'pub@example.com', password: PW })).status).toBe(201);
      expect((await viaPublic.post('/api/sites', { domain: 'pub.example.com' })).status).toBe(201);
      // A name rebound to this server arrives with its own Host and a matching Origin: no longer "same origin".
      const rebound = new Client(srv.url, { origin: srv.url });
      rebound.cookie = viaPublic.cookie;
      const r = await rebound.post('/api/sites', { domain: 'rebound.example.com' });
      expect(r.status).toBe(403);
      expect(
        (await new Client(srv.url, { origin: srv.url }).post('/api/auth/login', { email: 'pub@example.com', password: PW })).status,
      ).toBe(403);
      expect((await viaPublic.post('/api/auth/login', { email: 'pub@example.com', password: PW })).status).toBe(200);
    } finally {
      await srv.cleanup();
    }
  });

  it('bootstraps an owner from TIDEMARK_ADMIN_EMAIL / TIDEMARK_ADMIN_PASSWORD', async () => {
    const srv = await startAccountsServer({ adminEmail: 'root@example.com', adminPassword: 'bootstrap-secret' });
    try {
      expect((await new Client(srv.url).get('/api/auth/setup')).body.needs_setup).toBe(false);
      const c = new Client(srv.url);
      const r = await c.post('/api/auth/login', { email: 'root@example.com', password: 'bootstrap-secret' });
      expect(r.status).toBe(200);
      expect(r.body.current_org.role).toBe('owner');
      expect((await c.post('/api/sites', { domain: 'boot.example.com' })).status).toBe(201);
    } finally {
      await srv.cleanup();
    }
  });

  it('emails invitations when SMTP is configured', async () => {
    const sink = await startSmtpSink();
    const srv = await startAccountsServer({ smtpUrl: sink.url, smtpFrom: 'Tidemark <stats@example.com>' });
    try {
      const { client } = await signUp(srv.url, 'mailer@example.com');
      expect((await client.get('/api/auth/setup')).body.smtp_configured).toBe(true);
      const orgId = (await client.get('/api/auth/me')).body.current_org.id;
      const inv = await client.post(`/api/orgs/${orgId}/invitations`, { email: 'friend@example.com', role: 'viewer' });
      expect(inv.status).toBe(201);
      expect(inv.body.emailed).toBe(true);
      expect(sink.messages).toHaveLength(1);
      const raw = sink.messages[0]!.replace(/=\r\n/g, '');
      expect(raw).toMatch(/^To: friend@example\.com/m);
      expect(raw).toContain('stats@example.com');
      expect(raw).toContain(inv.body.token.slice(0, 20));
    } finally {
      await srv.cleanup();
      await sink.close();
    }
  });
});
