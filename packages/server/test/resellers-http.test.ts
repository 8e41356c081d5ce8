import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientListSchema, clientSchema } from '@tidemark/core';
import { Client } from './helpers/accounts';
import { HostClient } from './helpers/host-client';
import { startTestServer } from './helpers/server';
import { startSmtpSink } from './helpers/smtp-sink';

const PW = 'correct horse battery';

/**
 * Resellers over HTTP: clients within the limits the instance's operator set, switching into a client's
 * dashboard and back (audited on both sides), what a client's own people see (their data, the reseller's
 * brand), and sign-up mails in the brand of the app host they were asked on.
 */
describe('resellers and their clients', () => {
  const tag = crypto.randomBytes(4).toString('hex');
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let srv: Awaited<ReturnType<typeof startTestServer>>;
  let agency: Client;
  let resellerId = '';
  let clientA = '';
  let clientB = '';
  let siteA = '';
  let alice: Client;

  beforeAll(async () => {
    sink = await startSmtpSink();
    srv = await startTestServer({ smtpUrl: sink.url, smtpFrom: 'Tidemark <noreply@tidemark.test>', openSignup: true });
    agency = new Client(srv.url);
    const reg = await agency.post('/api/auth/register', { email: `owner-${tag}@agency.test`, password: PW, org_name: 'Agency' });
    expect(reg.status, reg.text).toBe(201);
    resellerId = reg.body.current_org.id;
  });
  afterAll(async () => {
    await srv?.cleanup();
    await sink?.close();
  });

  it('only a reseller has clients, within its limits', async () => {
    expect((await agency.get(`/api/orgs/${resellerId}/clients`)).status).toBe(403);
    expect((await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'Early' })).status).toBe(403);
    expect((await agency.get('/api/auth/me')).body.current_org_reseller).toBe(false);
    await srv.ctx.meta.tenancy.setReseller(resellerId, true, {
      max_sub_organizations: 2,
      max_sites_per_sub_org: 1,
      max_events_per_sub_org: 1000,
    });
    expect((await agency.get('/api/auth/me')).body.current_org_reseller).toBe(true);

    const a = await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'Client A', events_soft_limit: 800 });
    expect(a.status, a.text).toBe(201);
    expect(clientSchema.parse(a.body).usage).toMatchObject({
      events: 0,
      sites: 0,
      seats: 0,
      events_hard_limit: 1000,
      events_soft_limit: 800,
      max_sites: 1,
    });
    clientA = a.body.id;
    const over = await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'Too big', events_hard_limit: 5000 });
    expect([over.status, over.body.error.code]).toEqual([400, 'over_reseller_limit']);
    const unlimited = await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'No limit', events_hard_limit: null });
    expect(unlimited.status).toBe(400);
    expect((await agency.post(`/api/orgs/${resellerId}/clients`, { name: '' })).status).toBe(400);
    expect((await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'X', surprise: 1 })).status).toBe(400);
    clientB = (await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'Client B' })).body.id;
    const third = await agency.post(`/api/orgs/${resellerId}/clients`, { name: 'Client C' });
    expect([third.status, third.body.error.code]).toEqual([409, 'client_limit_reached']);

    const list = clientListSchema.parse((await agency.get(`/api/orgs/${resellerId}/clients`)).body);
    expect(list.reseller).toMatchObject({
      org_id: resellerId,
      max_sub_organizations: 2,
      max_sites_per_sub_org: 1,
      max_events_per_sub_org: 1000,
    });
    expect(list.clients.map((c) => c.name)).toEqual(['Client A', 'Client B']);
    // A client is not anyone else's: another client's id under this reseller is unknown, a random one too.
    expect((await agency.patch(`/api/orgs/${resellerId}/clients/${resellerId}`, { name: 'Self' })).status).toBe(404);
    expect((await agency.post(`/api/orgs/${resellerId}/clients/${crypto.randomUUID()}/switch`)).status).toBe(404);
  });

  it('switches into a client as its admin, within its site limit, and back; both audit logs say so', async () => {
    const sw = await agency.post(`/api/orgs/${resellerId}/clients/${clientA}/switch`);
    expect(sw.status, sw.text).toBe(200);
    expect(sw.body.current_org).toMatchObject({ id: clientA, name: 'Client A', role: 'admin' });
    expect(sw.body.viewing_as).toEqual({ org_id: clientA, org_name: 'Client A', reseller_org_id: resellerId, reseller_name: 'Agency' });
    expect((await agency.get('/api/auth/me')).body.viewing_as?.org_id).toBe(clientA);
    const site = await agency.post('/api/sites', { name: 'A shop', domain: `a-${tag}.example.com` });
    expect(site.status, site.text).toBe(201);
    siteA = site.body.id;
    expect(site.body.org_id).toBe(clientA);
    const second = await agency.post('/api/sites', { name: 'A blog', domain: `blog-${tag}.example.com` });
    expect([second.status, second.body.error.code]).toEqual([409, 'site_limit_reached']);
    // The client's people come by invitation from the reseller's admin.
    const inv = await agency.post(`/api/orgs/${clientA}/invitations`, { email: `alice-${tag}@client-a.test`, role: 'admin' });
    expect(inv.status, inv.text).toBe(201);
    alice = new Client(srv.url);
    expect((await alice.post('/api/invitations/accept', { token: inv.body.token, password: PW })).status).toBe(201);

    // Straight on to the other client, then back to the reseller.
    expect((await agency.post(`/api/orgs/${resellerId}/clients/${clientB}/switch`)).body.viewing_as.org_id).toBe(clientB);
    expect((await agency.get('/api/sites')).body.sites).toEqual([]);
    expect((await agency.get(`/api/sites/${siteA}`)).status).toBe(404);
    const back = await agency.post('/api/auth/reseller-return');
    expect(back.status).toBe(200);
    expect(back.body.current_org.id).toBe(resellerId);
    expect(back.body.viewing_as).toBeNull();
    expect((await agency.post('/api/auth/reseller-return')).status).toBe(400);
    // As the reseller itself, the client's site is not its own.
    expect((await agency.get(`/api/sites/${siteA}`)).status).toBe(404);

    const mine = (await agency.get(`/api/orgs/${resellerId}/audit`)).body.entries.map((e: { action: string }) => e.action);
    expect(mine.filter((x: string) => x === 'reseller.switched_in')).toHaveLength(2);
    expect(mine.filter((x: string) => x === 'reseller.switched_out')).toHaveLength(1);
    expect(mine.filter((x: string) => x === 'reseller.client_created')).toHaveLength(2);
    // The client sees who came in on its own audit log.
    const theirs = (await alice.get(`/api/orgs/${clientA}/audit`)).body.entries;
    expect(theirs.find((e: { action: string }) => e.action === 'reseller.switched_in')).toMatchObject({
      actor: { type: 'user', label: `owner-${tag}@agency.test` },
      target: { type: 'organization', id: clientA },
    });
  });

  it("a client's people see their own data, the reseller's brand, and nothing of the reseller or its other clients", async () => {
    expect(
      (
        await agency.request('PUT', `/api/orgs/${resellerId}/branding`, {
          product_name: 'Agency Insights',
          email_footer: 'Agency Co, 1 Main St',
        })
      ).status,
    ).toBe(200);
    expect((await alice.get('/api/branding')).body.branding).toMatchObject({
      product_name: 'Agency Insights',
      email_footer: 'Agency Co, 1 Main St',
    });
    expect((await alice.get('/api/sites')).body.sites.map((s: { id: string }) => s.id)).toEqual([siteA]);
    for (const path of [
      `/api/orgs/${resellerId}/clients`,
      `/api/orgs/${resellerId}/usage`,
      `/api/orgs/${clientB}/usage`,
      `/api/orgs/${resellerId}/audit`,
    ])
      expect((await alice.get(path)).status, path).toBe(404);
    expect((await alice.post(`/api/orgs/${resellerId}/clients/${clientB}/switch`)).status).toBe(404);
    expect((await alice.post(`/api/orgs/${clientA}/clients`, { name: 'Sub-sub' })).status).toBe(403);
    const usage = await alice.get(`/api/orgs/${clientA}/usage`);
    expect(usage.body).toMatchObject({ org_id: clientA, sites: 1, seats: 1, events: 0, max_sites: 1 });
    // Invitations from the client carry the reseller's brand and its closing text.
    const seen = sink.messages.length;
    expect((await alice.post(`/api/orgs/${clientA}/invitations`, { email: `bob-${tag}@client-a.test`, role: 'viewer' })).status).toBe(201);
    const mail = sink.messages
      .slice(seen)
      .map((m) => m.replace(/=\r\n/g, ''))
      .join('\n');
    expect(mail).toMatch(/Subject: You are invited to Client A on Agency Insights/);
    expect(mail).toContain('Agency Co, 1 Main St');
  });

  it('a switched-in session loses the client when the organization stops being a reseller', async () => {
    expect((await agency.post(`/api/orgs/${resellerId}/clients/${clientA}/switch`)).status).toBe(200);
    await srv.ctx.meta.tenancy.setReseller(resellerId, false, {
      max_sub_organizations: 2,
      max_sites_per_sub_org: 1,
      max_events_per_sub_org: 1000,
    });
    const me = await agency.get('/api/auth/me');
    expect(me.body.current_org.id).toBe(resellerId);
    expect(me.body.viewing_as).toBeNull();
    expect((await agency.get(`/api/sites/${siteA}`)).status).toBe(404);
    await srv.ctx.meta.tenancy.setReseller(resellerId, true, {
      max_sub_organizations: 2,
      max_sites_per_sub_org: 1,
      max_events_per_sub_org: 1000,
    });
  });

  it("sign-up mails on a reseller's app host come in its brand, and its clients' people sign in there", async () => {
    const host = `app-${tag}.agency.test`;
    const d = await srv.ctx.meta.orgDomains.create(resellerId, host, 'app');
    await srv.ctx.meta.orgDomains.recordCheck(d!.id, { method: 'txt', error: null });
    await agency.request('PUT', `/api/orgs/${resellerId}/branding`, { email_sender_name: 'Agency Team' });
    // At its limit (two clients) the reseller's host takes no sign-up; nothing is created, nothing mailed.
    const seen = sink.messages.length;
    const onHost = new HostClient(srv.url, host);
    const full = await onHost.post('/api/auth/register', { email: `full-${tag}@someone.test`, password: PW });
    expect([full.status, full.body.error.code]).toEqual([409, 'client_limit_reached']);
    expect(await srv.ctx.meta.users.byEmail(`full-${tag}@someone.test`)).toBeNull();
    expect(sink.messages.length).toBe(seen);
    await srv.ctx.meta.tenancy.setReseller(resellerId, true, {
      max_sub_organizations: 3,
      max_sites_per_sub_org: 1,
      max_events_per_sub_org: 1000,
    });
    const r = await onHost.post('/api/auth/register', { email: `new-${tag}@someone.test`, password: PW, org_name: 'Signed Up Co' });
    expect(r.status, r.text).toBe(202);
    const mail = sink.messages
      .slice(seen)
      .map((m) => m.replace(/=\r\n/g, ''))
      .join('\n');
    expect(mail).toMatch(/Subject: Confirm your e-mail address for Agency Insights/);
    expect(mail).toMatch(/From: "?Agency Team"? <noreply@tidemark\.test>/);
    expect(mail).toContain('Agency Co, 1 Main St');
    // Confirmed, the new account is signed in on the host into its organization: the reseller's third client,
    // with the reseller's monthly ceiling; the reseller's audit log names the sign-up.
    const token = /\/verify-email\/([A-Za-z0-9_-]{20,})/.exec(mail)?.[1];
    const confirmed = await onHost.post('/api/auth/verify-email', { token, password: PW });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.current_org.name).toBe('Signed Up Co');
    const newOrg = confirmed.body.current_org.id;
    expect((await onHost.get('/api/auth/me')).body.current_org.id).toBe(newOrg);
    expect(await srv.ctx.meta.tenancy.get(newOrg)).toMatchObject({ parent_org_id: resellerId, events_hard_limit: 1000 });
    const clients = clientListSchema.parse((await agency.get(`/api/orgs/${resellerId}/clients`)).body).clients;
    expect(clients.map((c) => c.id)).toEqual([clientA, clientB, newOrg]);
    const audit = (await agency.get(`/api/orgs/${resellerId}/audit?action=reseller.client_signed_up`)).body.entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: { type: 'user', label: `new-${tag}@someone.test` },
      target: { type: 'organization', id: newOrg },
    });
    // Full again: the next sign-up there is refused.
    const again = await onHost.post('/api/auth/register', { email: `late-${tag}@someone.test`, password: PW });
    expect([again.status, again.body.error.code]).toEqual([409, 'client_limit_reached']);
    // Alice (a client's admin) signs in on the reseller's host, into her client.
    const aliceOnHost = new HostClient(srv.url, host);
    const login = await aliceOnHost.post('/api/auth/login', { email: `alice-${tag}@client-a.test`, password: PW });
    expect(login.status, login.text).toBe(200);
    expect(login.body.current_org.id).toBe(clientA);
    expect((await aliceOnHost.get('/api/branding')).body.branding.product_name).toBe('Agency Insights');
  });

  it("a client's snippet loads the tracker from its reseller's verified tracking host", async () => {
    const before = await alice.get(`/api/sites/${siteA}/snippet`);
    expect(before.body.script_url).toBe(`${srv.url}/t.js`);
    const host = `t-${tag}.agency.test`;
    const d = await srv.ctx.meta.orgDomains.create(resellerId, host, 'tracking');
    expect((await alice.get(`/api/sites/${siteA}/snippet`)).body.script_url).toBe(`${srv.url}/t.js`);
    await srv.ctx.meta.orgDomains.recordCheck(d!.id, { method: 'http', error: null });
    const after = await alice.get(`/api/sites/${siteA}/snippet`);
    expect(after.body.script_url).toBe(`https://${host}/t.js`);
    expect(after.body.snippet).toContain(`https://${host}/t.js`);
  });
});
