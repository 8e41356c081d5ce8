import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteConnectionsSchema } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startRecorder } from './helpers/http-recorder';
import { HubSpotFake, KlaviyoFake } from './helpers/provider-fakes';
import { startTestServer } from './helpers/server';
import { startSmtpSink } from './helpers/smtp-sink';

/**
 * Site connections over HTTP: admins only, the token write-only (never in an answer, never in the audit
 * log), validation, the test call against local stand-ins for the providers, removal; the stored
 * connection is then what deliveries use.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let orgId = '';
let site: { id: string };
const HUBSPOT_TOKEN = 'pat-na1-99999999-8888-7777-6666-555555555555';
const KLAVIYO_KEY = 'pk_fedcba9876543210fedcba9876543210aa';
const hubspot = new HubSpotFake(HUBSPOT_TOKEN, ['42']);
const klaviyo = new KlaviyoFake(KLAVIYO_KEY, ['LsT1']);
let hs: Awaited<ReturnType<typeof startRecorder>>;
let kl: Awaited<ReturnType<typeof startRecorder>>;

beforeAll(async () => {
  mail = await startSmtpSink();
  hs = await startRecorder(hubspot.handle);
  kl = await startRecorder(klaviyo.handle);
  // The stand-ins listen on loopback: the admin's allowance for private addresses is what lets requests reach them.
  srv = await startTestServer({ smtpUrl: mail.url, allowPrivateWebhooks: true }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  const reg = await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' });
  owner = reg.client;
  orgId = reg.me.current_org.id;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'shop.test', timezone: 'UTC' })).body;
});

afterAll(async () => {
  await srv?.cleanup();
  await hs?.close();
  await kl?.close();
  await mail?.close();
});

describe('site connections over HTTP', () => {
  const base = () => `/api/sites/${site.id}/connections`;

  it('lists both providers unconnected, stores a token write-only, tests it, and removes it', async () => {
    const first = await owner.get(base());
    expect(first.status).toBe(200);
    expect(siteConnectionsSchema.parse(first.body).connections).toEqual([
      { provider: 'hubspot', has_token: false, base_url: 'https://api.hubapi.com', updated_at: null },
      { provider: 'klaviyo', has_token: false, base_url: 'https://a.klaviyo.com', updated_at: null },
    ]);
    // Not connected yet: the test says so without calling anyone.
    expect((await owner.post(`${base()}/hubspot/test`)).body).toMatchObject({
      ok: false,
      status: null,
      error: expect.stringMatching(/no HubSpot connection/),
    });

    const put = await owner.request('PUT', `${base()}/hubspot`, { token: HUBSPOT_TOKEN, base_url: hs.url });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ provider: 'hubspot', has_token: true, base_url: hs.url });
    expect(put.text).not.toContain(HUBSPOT_TOKEN);
    await owner.request('PUT', `${base()}/klaviyo`, { token: KLAVIYO_KEY, base_url: kl.url });
    const listed = await owner.get(base());
    expect(listed.text).not.toContain(HUBSPOT_TOKEN);
    expect(listed.text).not.toContain(KLAVIYO_KEY);
    expect(listed.body.connections.map((c: { has_token: boolean }) => c.has_token)).toEqual([true, true]);

    const tested = await owner.post(`${base()}/hubspot/test`);
    expect(tested.body).toEqual({ ok: true, status: 200, error: null });
    expect(hs.requests.at(-1)).toMatchObject({ method: 'GET', url: '/crm/v3/objects/contacts?limit=1' });
    expect(hs.requests.at(-1)!.headers.authorization).toBe(`Bearer ${HUBSPOT_TOKEN}`);
    expect((await owner.post(`${base()}/klaviyo/test`)).body).toEqual({ ok: true, status: 200, error: null });
    expect(kl.requests.at(-1)!.headers.authorization).toBe(`Klaviyo-API-Key ${KLAVIYO_KEY}`);

    // A wrong token: the provider's own error comes back.
    await owner.request('PUT', `${base()}/klaviyo`, { token: 'pk_not_the_right_one', base_url: kl.url });
    expect((await owner.post(`${base()}/klaviyo/test`)).body).toEqual({
      ok: false,
      status: 401,
      error: 'HTTP 401: Missing or invalid private key.',
    });

    // The stored connection is the one deliveries use.
    const person = { site_id: site.id, profile_id: 'u7', user_id: '7', email: 'seven@example.com', traits: { first_name: 'Sev' } };
    const ctx = { idempotency_key: 'k1', reason: 'test' };
    expect(await srv.ctx.destinations.deliver({ type: 'hubspot_contact' }, person, ctx)).toMatchObject({ ok: true });
    expect(hubspot.contacts.get('seven@example.com')?.properties.firstname).toBe('Sev');
    expect(await srv.ctx.destinations.syncList(site.id, 'hubspot', { list_id: '42', add: [person], remove: [] }, ctx)).toEqual({
      ok: true,
    });
    expect(hubspot.members('42')).toEqual(['seven@example.com']);

    const del = await owner.request('DELETE', `${base()}/klaviyo`);
    expect(del.status).toBe(204);
    expect((await owner.get(base())).body.connections[1]).toMatchObject({ provider: 'klaviyo', has_token: false });
    expect(await srv.ctx.destinations.deliver({ type: 'klaviyo_profile' }, person, ctx)).toMatchObject({ ok: false, retryable: false });

    // Audited without the token.
    const audit = await owner.get(`/api/orgs/${orgId}/audit?action=settings.updated`);
    const entries = audit.body.entries.filter((e: { target: { type: string } }) => e.target.type === 'connection');
    expect(entries.map((e: { target: unknown }) => e.target)).toEqual([
      { type: 'connection', id: 'klaviyo' },
      { type: 'connection', id: 'klaviyo' },
      { type: 'connection', id: 'klaviyo' },
      { type: 'connection', id: 'hubspot' },
    ]);
    expect(audit.text).not.toContain(HUBSPOT_TOKEN);
    expect(audit.text).not.toContain(KLAVIYO_KEY);
  });

  it('refuses bad input with a 400 and keeps other organizations and lesser keys out', async () => {
    for (const [provider, body] of [
      ['hubspot', {}],
      ['hubspot', { token: 'short' }],
      ['hubspot', { token: 'has spaces in it' }],
      ['hubspot', { token: 'pat-na1-valid-token', base_url: 'javascript:alert(1)' }],
      ['hubspot', { token: 'pat-na1-valid-token', base_url: 'https://a:b@api.example.com' }],
      ['hubspot', { token: 'pat-na1-valid-token', extra: true }],
      ['salesforce', { token: 'pat-na1-valid-token' }],
    ] as const) {
      const r = await owner.request('PUT', `${base()}/${provider}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await owner.post(`${base()}/mailchimp/test`)).status).toBe(400);
    expect((await owner.request('DELETE', `${base()}/mailchimp`)).status).toBe(400);

    expect((await stranger.get(base())).status).toBe(404);
    expect((await stranger.request('PUT', `${base()}/hubspot`, { token: 'pat-na1-stolen-token' })).status).toBe(404);
    expect((await stranger.post(`${base()}/hubspot/test`)).status).toBe(404);

    const readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'], site_id: site.id })).body.key;
    const adminKey = (await owner.post('/api/keys', { name: 'admin', permissions: ['read', 'write', 'admin'], site_id: site.id })).body.key;
    const reader = new Client(srv.url);
    reader.bearer = readKey;
    expect((await reader.get(`/v1/sites/${site.id}/connections`)).status).toBe(403);
    const admin = new Client(srv.url);
    admin.bearer = adminKey;
    const v1 = await admin.get(`/v1/sites/${site.id}/connections`);
    expect(v1.status).toBe(200);
    expect(v1.body.connections[0]).toMatchObject({ provider: 'hubspot', has_token: true });
    expect(v1.text).not.toContain(HUBSPOT_TOKEN);
  });
});
