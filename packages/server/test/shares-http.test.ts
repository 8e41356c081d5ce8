import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, shareCreatedSchema, sharedViewSchema, type CanonicalEvent } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { isStaticDashboard, OPEN_ROUTES } from './helpers/public-routes';

/**
 * Shared dashboards over HTTP (real server, SQLite + DuckDB): links with cards, password (argon2id,
 * guesses limited), expiry and revocation; the shared page's headers (noindex, frame-ancestors); and a
 * walk over every registered route with everything a link holder has, proving only the link's own
 * endpoints answer.
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let viewer: Client;
let stranger: Client;
let site: { id: string; domain: string };
const PW = 'correct horse battery';
const MARKER = `/secret-${crypto.randomBytes(4).toString('hex')}`;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const D = dayOf(Date.now() - 86_400_000);
let written: CanonicalEvent[] = [];

function events(siteId: string): CanonicalEvent[] {
  return Array.from({ length: 60 }, (_, i) => {
    const ts = Date.parse(`${D}T10:00:00Z`) + i * 60_000;
    const e = emptyEvent({
      event_id: `60000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      site_id: siteId,
      ts,
      received_at: ts,
      name: 'page_view',
    });
    e.visitor_id = `v${i % 25}`;
    e.session_id = `v${i % 25}-s`;
    e.path = i % 3 === 0 ? MARKER : '/';
    e.host = 'shared.example';
    e.country = i % 2 ? 'DE' : 'FR';
    return e;
  });
}

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  const reg = await signUp(srv.url, 'owner@example.com', PW, { org_name: 'Acme' });
  owner = reg.client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', PW, { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'shared.example', timezone: 'UTC' })).body;
  const inv = await owner.post(`/api/orgs/${reg.me.current_org.id}/invitations`, { email: 'vic@example.com', role: 'viewer' });
  viewer = new Client(srv.url);
  await viewer.post('/api/auth/register', { email: 'vic@example.com', password: PW, invitation: inv.body.token });
  written = events(site.id);
  await srv.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });
  await owner.post(`/api/sites/${site.id}/annotations`, { date: D, title: 'Launch', category: 'release' });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

const shares = () => `/api/sites/${site.id}/shares`;
const stats = (token: string, q: string) => `/api/share/${token}/stats?period=custom&start_date=${D}&end_date=${D}&${q}`;

describe('shared links', () => {
  it('members create, list and revoke; viewers and other organizations cannot', async () => {
    const r = await owner.post(shares(), { name: 'Board', cards: ['overview', 'pages'] });
    expect(r.status, r.text).toBe(201);
    const created = shareCreatedSchema.parse(r.body);
    expect(created.url).toBe(`${srv.url}/share/${created.token}`);
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ has_password: false, cards: ['overview', 'pages'], frame_ancestors: [] });
    const list = await viewer.get(shares());
    expect(list.body.shares.map((s: { id: string }) => s.id)).toEqual([created.id]);
    expect(list.text).not.toContain(created.token);
    // The database keeps the token's hash only.
    expect(JSON.stringify(await srv.ctx.meta.shares.listBySite(site.id))).not.toContain(created.token);
    expect((await viewer.post(shares(), {})).status).toBe(403);
    expect((await stranger.get(shares())).status).toBe(404);
    expect((await stranger.post(shares(), {})).status).toBe(404);
    expect((await stranger.del(`${shares()}/${created.id}`)).status).toBe(404);
    for (const bad of [
      { password: 'short' },
      { cards: ['nope'] },
      { frame_ancestors: ['https://x.example/path'] },
      { expires_at: '2001-01-01T00:00:00Z' },
      { extra: 1 },
    ]) {
      const b = await owner.post(shares(), bad);
      expect(b.status, JSON.stringify(bad)).toBe(400);
      expect(b.body.success).toBe(false);
    }
    const anon = new Client(srv.url);
    expect((await anon.get(stats(created.token, 'metrics=visitors'))).status).toBe(200);
    expect((await owner.del(`${shares()}/${created.id}`)).status).toBe(204);
    expect((await anon.get(`/api/share/${created.token}`)).status).toBe(404);
    expect((await anon.get(stats(created.token, 'metrics=visitors'))).status).toBe(404);
  });

  it('serves the stats of its site — the same numbers as the dashboard, with annotations — and only its cards', async () => {
    const { token } = (await owner.post(shares(), { cards: ['overview', 'pages'] })).body;
    const anon = new Client(srv.url);
    const view = sharedViewSchema.parse((await anon.get(`/api/share/${token}`)).body);
    expect(view).toMatchObject({ locked: false, site: { domain: 'shared.example', timezone: 'UTC' }, cards: ['overview', 'pages'] });
    const shared = await anon.get(stats(token, 'metrics=visitors,pageviews&dimensions=page'));
    expect(shared.status).toBe(200);
    expect(shared.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    const own = await owner.get(
      `/api/sites/${site.id}/stats?period=custom&start_date=${D}&end_date=${D}&metrics=visitors,pageviews&dimensions=page`,
    );
    expect(shared.body).toEqual(own.body);
    expect(shared.body.metrics.visitors.value).toBe(new Set(written.map((e) => e.visitor_id)).size);
    expect(shared.body.annotations.map((a: { title: string }) => a.title)).toEqual(['Launch']);
    // Filters and periods as on the dashboard, on the cards' dimensions.
    const filtered = await anon.get(
      stats(token, `metrics=pageviews&filters=${encodeURIComponent(JSON.stringify([['is', 'page', [MARKER]]]))}`),
    );
    expect(filtered.body.metrics.pageviews.value).toBe(written.filter((e) => e.path === MARKER).length);
    // Nothing outside its cards: other dimensions, filters on them, goal metrics.
    for (const q of [
      'dimensions=country',
      'dimensions=source',
      `filters=${encodeURIComponent(JSON.stringify([['is', 'country', ['DE']]]))}`,
      `filters=${encodeURIComponent(JSON.stringify(['not', ['is', 'browser', ['x']]]))}`,
      'metrics=conversions',
    ]) {
      const r = await anon.get(stats(token, q));
      expect(r.status, q).toBe(403);
    }
    expect((await anon.get(stats(token, 'metrics=nonsense'))).status).toBe(400);
  });

  it('a password: locked until unlocked, wrong guesses refused, then limited', async () => {
    const { token } = (await owner.post(shares(), { password: 'open sesame 42', cards: ['overview'] })).body;
    const anon = new Client(srv.url);
    expect((await anon.get(`/api/share/${token}`)).body).toMatchObject({ locked: true, site: null });
    const locked = await anon.get(stats(token, 'metrics=visitors'));
    expect([locked.status, locked.body.error.code]).toEqual([401, 'share_locked']);
    expect((await anon.post(`/api/share/${token}/unlock`, { password: 'wrong' })).status).toBe(401);
    const ok = await anon.post(`/api/share/${token}/unlock`, { password: 'open sesame 42' });
    expect(ok.status).toBe(200);
    const h = { 'x-share-access': ok.body.access_token };
    expect((await anon.get(stats(token, 'metrics=visitors'), h)).status).toBe(200);
    expect((await anon.get(`/api/share/${token}`, h)).body).toMatchObject({ locked: false, site: { domain: 'shared.example' } });
    // Another link's access token opens nothing here, and a forged one neither.
    const other = (await owner.post(shares(), { password: 'another pass 99' })).body.token;
    expect((await anon.get(stats(other, 'metrics=visitors'), h)).status).toBe(401);
    expect((await anon.get(stats(token, 'metrics=visitors'), { 'x-share-access': `${ok.body.access_token}x` })).status).toBe(401);
    // Ten guesses per link per quarter hour, then 429 even for the right password.
    const codes: number[] = [];
    for (let i = 0; i < 9; i++) codes.push((await anon.post(`/api/share/${token}/unlock`, { password: `guess ${i}` })).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const limited = await anon.post(`/api/share/${token}/unlock`, { password: 'open sesame 42' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('expires', async () => {
    const { token } = (await owner.post(shares(), { expires_at: new Date(Date.now() + 1500).toISOString() })).body;
    const anon = new Client(srv.url);
    expect((await anon.get(stats(token, 'metrics=visitors'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await anon.get(stats(token, 'metrics=visitors'))).status).toBe(404);
    expect((await anon.get(`/share/${token}`)).status).toBe(404);
  });

  it('the shared page is not indexed and may be framed only by the origins the link names', async () => {
    const { token } = (await owner.post(shares(), { frame_ancestors: ['https://intranet.example.com', 'http://localhost:8080'] })).body;
    const page = await fetch(`${srv.url}/share/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors https://intranet.example.com http://localhost:8080');
    expect(page.headers.get('x-frame-options')).toBeNull();
    const plain = await fetch(`${srv.url}/share/${(await owner.post(shares(), {})).body.token}`);
    expect(plain.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(plain.headers.get('x-frame-options')).toBe('DENY');
    const unknown = await fetch(`${srv.url}/share/${crypto.randomBytes(32).toString('base64url')}`);
    expect(unknown.status).toBe(404);
  });
});

describe('a link holder reaches nothing else', () => {
  it('walks every registered route with the link token, its access token and the site id', async () => {
    const { token } = (await owner.post(shares(), { password: 'walk the routes', cards: ['overview', 'pages'] })).body;
    const access = (await new Client(srv.url).post(`/api/share/${token}/unlock`, { password: 'walk the routes' })).body.access_token;
    const own = new Set(['/api/share/:token', '/api/share/:token/unlock', '/api/share/:token/stats', '/share/:token']);
    // Open by design (helpers/public-routes.ts): collection, sign-in, health, tracker scripts, static files.
    const isPublic = (url: string) => OPEN_ROUTES.some((r) => r.test(url)) || isStaticDashboard(url);
    const routes = srv.app.routeTable.filter((r) => r.method !== 'OPTIONS' && !own.has(r.url) && !isPublic(r.url));
    expect(routes.length).toBeGreaterThan(40);
    const fill = (url: string) =>
      url
        .split('/')
        .map((seg) =>
          seg === '*'
            ? 'probe'
            : seg.replace(/:(\w+)(\([^)]*\))?/g, (_m, name: string) =>
                /^(id|site|site_?id)$/i.test(name) ? site.id : /token/i.test(name) ? token : crypto.randomUUID(),
              ),
        )
        .join('/');
    const query = `site_id=${site.id}&period=custom&start_date=${D}&end_date=${D}&metrics=visitors&dimensions=page&token=${token}`;
    const failures: string[] = [];
    for (const r of routes) {
      const path = fill(r.url);
      const holder: Array<Record<string, string>> = [
        { 'x-share-access': access, authorization: `Bearer ${token}` },
        { 'x-share-access': access, cookie: `tm_session=${token}`, 'x-api-key': token },
      ];
      for (const headers of holder) {
        const c = new Client(srv.url);
        const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? { site_id: site.id, token, password: 'walk the routes' } : undefined;
        const res = await c.request(r.method, `${path}${path.includes('?') ? '&' : '?'}${query}`, body, headers);
        if (![401, 403, 404, 405].includes(res.status)) failures.push(`${r.method} ${r.url}: ${res.status} ${res.text.slice(0, 160)}`);
        if (res.text.includes(MARKER) || res.text.includes('shared.example'))
          failures.push(`${r.method} ${r.url}: the site's data in the answer: ${res.text.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    // The control: the link's own endpoint does show that data, so the check above could fail.
    const mine = await new Client(srv.url).get(stats(token, 'metrics=visitors&dimensions=page'), { 'x-share-access': access });
    expect(mine.text).toContain(MARKER);
  });
});
