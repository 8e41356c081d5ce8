import crypto from 'node:crypto';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgDomainSchema, type OrgDomain } from '@tidemark/core';
import { Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';

/**
 * Custom domains over HTTP: an owner registers an app host and a tracking host; neither is served by
 * Caddy's `ask` until verified. The tracking host is verified by HTTP — the real check, against this
 * server, which answers the token only when asked on that host (the test's resolver points the host at
 * 127.0.0.1, as DNS would point it at the proxy); the app host by its TXT record. A host is one
 * organization's; a wrong token or record fails with a reason; private addresses are refused unless allowed.
 */
const PW = 'correct horse battery';
const tag = crypto.randomBytes(4).toString('hex');
const trackingHost = `t-${tag}.example.test`;
const appHost = `app-${tag}.example.test`;
const txt = new Map<string, string[][]>();
/** The test's DNS: the tracking hosts point at this machine (as at the proxy); the app host has no address. */
const toLoopback: net.LookupFunction = (host, options, cb) => {
  if (host.startsWith('app-')) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 0);
  if ((options as { all?: boolean }).all)
    (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
};

describe('custom domains', () => {
  let srv: Awaited<ReturnType<typeof startTestServer>>;
  let owner: Client;
  let orgId = '';
  const ask = (domain: string) => fetch(`${srv.url}/api/domains/ask?domain=${encodeURIComponent(domain)}`).then((r) => r.status);

  beforeAll(async () => {
    srv = await startTestServer();
    // The admin's settings: the proxy's HTTP port is this server's, private addresses allowed, and DNS as the test has it.
    Object.assign(srv.ctx.config.domainVerify, {
      port: Number(new URL(srv.url).port),
      allowPrivate: true,
      lookup: toLoopback,
      resolveTxt: async (name: string) => {
        const r = txt.get(name);
        if (!r) throw Object.assign(new Error('no record'), { code: 'ENODATA' });
        return r;
      },
    });
    owner = new Client(srv.url);
    const reg = await owner.post('/api/auth/register', { email: `owner-${tag}@domains.test`, password: PW, org_name: `Domains ${tag}` });
    orgId = reg.body.current_org.id;
  });

  afterAll(async () => {
    await srv?.cleanup();
  });

  it('registers hosts, verifies them by HTTP token and TXT record, and answers Caddy only for verified ones', async () => {
    for (const bad of [
      { host: 'localhost', kind: 'app' },
      { host: 'a b.example.com', kind: 'app' },
      { host: 'x.example.com', kind: 'mail' },
      {},
    ]) {
      expect((await owner.post(`/api/orgs/${orgId}/domains`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const t = await owner.post(`/api/orgs/${orgId}/domains`, { host: `${trackingHost.toUpperCase()}.`, kind: 'tracking' });
    expect(t.status, t.text).toBe(201);
    const tracking = orgDomainSchema.parse(t.body);
    expect(tracking).toMatchObject({ host: trackingHost, verified: false });
    const a = orgDomainSchema.parse((await owner.post(`/api/orgs/${orgId}/domains`, { host: appHost, kind: 'app' })).body);
    expect((await owner.post(`/api/orgs/${orgId}/domains`, { host: appHost, kind: 'tracking' })).status).toBe(409);
    expect(await ask(trackingHost)).toBe(404);

    // The token is answered on its own host only.
    const path = new URL(tracking.instructions.http_url).pathname;
    expect((await fetch(`${srv.url}${path}`)).status).toBe(404);

    const v1 = await owner.post(`/api/orgs/${orgId}/domains/${tracking.id}/verify`);
    expect(v1.status, v1.text).toBe(200);
    expect(v1.body).toMatchObject({ verified: true, method: 'http', last_error: null });
    expect(await ask(trackingHost)).toBe(200);
    expect(await ask(`${trackingHost.toUpperCase()}.`)).toBe(200);

    // The app host has no HTTP route here: a TXT record with another token fails, the right one verifies.
    txt.set(a.instructions.txt_name, [['tidemark-verify=somebody-else']]);
    const failed = (await owner.post(`/api/orgs/${orgId}/domains/${a.id}/verify`)).body as OrgDomain;
    expect(failed.verified).toBe(false);
    expect(failed.last_error).toMatch(/TXT .*no record/);
    expect(await ask(appHost)).toBe(404);
    txt.set(a.instructions.txt_name, [['tidemark-verify=', a.instructions.txt_value.slice('tidemark-verify='.length)]]);
    expect((await owner.post(`/api/orgs/${orgId}/domains/${a.id}/verify`)).body).toMatchObject({ verified: true, method: 'txt' });
    expect(await ask(appHost)).toBe(200);
    expect(await ask(`other-${tag}.example.test`)).toBe(404);
    expect((await fetch(`${srv.url}/api/domains/ask`)).status).toBe(400);

    const list = await owner.get(`/api/orgs/${orgId}/domains`);
    expect(list.body.domains.map((d: OrgDomain) => [d.host, d.verified])).toEqual([
      [trackingHost, true],
      [appHost, true],
    ]);
    expect((await owner.del(`/api/orgs/${orgId}/domains/${tracking.id}`)).status).toBe(204);
    expect(await ask(trackingHost)).toBe(404);
    const audit = await owner.get(`/api/orgs/${orgId}/audit?action=settings.updated`);
    expect(audit.body.entries.length).toBe(6);
  });

  it('branding: validated, audited, shown on a verified app host and to the signed-in organization', async () => {
    for (const bad of [
      { primary_color: 'red' },
      { logo_url: 'http://insecure.example/logo.png' },
      { product_name: '' },
      { theme_default: 'blue' },
      { x: 1 },
    ]) {
      expect((await owner.request('PUT', `/api/orgs/${orgId}/branding`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const put = await owner.request('PUT', `/api/orgs/${orgId}/branding`, { product_name: 'Agency Stats', primary_color: '#112233' });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ product_name: 'Agency Stats', primary_color: '#112233', theme_default: 'system' });
    expect((await owner.get('/api/branding')).body).toEqual({ branding: put.body, app_host: false });
    // Anonymous, on the server's own address: the default. On the verified app host: the organization's.
    const anon = await fetch(`${srv.url}/api/branding`).then((r) => r.json());
    expect(anon.branding.product_name).toBe('Tidemark');
    const onHost = await new Promise<string>((resolve, reject) => {
      import('node:http').then(({ default: http }) =>
        http
          .get({ host: '127.0.0.1', port: Number(new URL(srv.url).port), path: '/api/branding', headers: { host: appHost } }, (res) => {
            let b = '';
            res.on('data', (c) => (b += c));
            res.on('end', () => resolve(b));
          })
          .on('error', reject),
      );
    });
    expect(JSON.parse(onHost)).toEqual({ branding: put.body, app_host: true });
    const audit = await owner.get(`/api/orgs/${orgId}/audit?action=settings.updated`);
    expect(audit.body.entries[0]).toMatchObject({ target: { type: 'branding' }, details: { fields: ['primary_color', 'product_name'] } });
  });

  it("on an app host only the organization's members sign in, and land in that organization", async () => {
    const onHost = (path: string, body: unknown) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        import('node:http').then(({ default: http }) => {
          const data = JSON.stringify(body);
          const req = http.request(
            {
              host: '127.0.0.1',
              port: Number(new URL(srv.url).port),
              path,
              method: 'POST',
              headers: { host: appHost, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
            },
            (res) => {
              let b = '';
              res.on('data', (c) => (b += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(b) }));
            },
          );
          req.on('error', reject);
          req.end(data);
        });
      });
    // The owner also has a second organization; a colleague belongs only to that one.
    const second = await owner.post('/api/orgs', { name: `Second ${tag}` });
    const inv = await owner.post(`/api/orgs/${second.body.id}/invitations`, { email: `colleague-${tag}@domains.test`, role: 'member' });
    const colleague = new Client(srv.url);
    expect((await colleague.post('/api/invitations/accept', { token: inv.body.token, password: PW })).status).toBe(201);
    await owner.post(`/api/orgs/${second.body.id}/switch`);

    const refused = await onHost('/api/auth/login', { email: `colleague-${tag}@domains.test`, password: PW });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_credentials');
    expect((await new Client(srv.url).post('/api/auth/login', { email: `colleague-${tag}@domains.test`, password: PW })).status).toBe(200);
    const ok = await onHost('/api/auth/login', { email: `owner-${tag}@domains.test`, password: PW });
    expect(ok.status).toBe(200);
    expect(ok.body.current_org.id).toBe(orgId);
  });

  it('refuses private addresses unless the admin allowed them', async () => {
    const d = orgDomainSchema.parse(
      (await owner.post(`/api/orgs/${orgId}/domains`, { host: `p-${tag}.example.test`, kind: 'tracking' })).body,
    );
    Object.assign(srv.ctx.config.domainVerify, { allowPrivate: false, lookup: undefined });
    const r = await owner.post(`/api/orgs/${orgId}/domains/${d.id}/verify`);
    expect(r.body.verified).toBe(false);
    expect(r.body.last_error).toMatch(/HTTP: /);
    Object.assign(srv.ctx.config.domainVerify, { allowPrivate: true, lookup: toLoopback });
    // With the default lookup and no allowance, a host resolving to loopback is refused before connecting.
    const { verifyHost } = await import('../src/domains');
    const res = await verifyHost('localhost', d.id, { port: 9, allowPrivate: false, resolveTxt: async () => [] });
    expect(res.method).toBeNull();
    expect(res.error).toMatch(/private address/);
  });
});
