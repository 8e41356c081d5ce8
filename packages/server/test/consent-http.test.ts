import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentLogEntrySchema, type ConsentLogEntry } from '@tidemark/core';
import { consentHash } from '../src/meta';
import { Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';

/**
 * Consent over HTTP: a site's settings (validated, audited, with the snippet its mode needs), the public
 * configuration t.consent.js reads, decisions recorded only from the site's own hosts, and the consent
 * log: every decision as sent, searchable and exportable, each entry's hash recomputed here from its
 * content and its predecessor, and a changed entry found by verification.
 */
const PW = 'correct horse battery';
const until = async (ok: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await ok()).toBe(true);
};
const tag = crypto.randomBytes(4).toString('hex');
const domain = `shop-${tag}.example.com`;

describe('consent', () => {
  let srv: Awaited<ReturnType<typeof startTestServer>>;
  let owner: Client;
  let siteId = '';
  let trackingId = '';
  let orgId = '';
  const sentChoices: Array<{ subject: string; granted: string[] }> = [];

  const decide = (body: Record<string, unknown>, origin = `https://${domain}`) =>
    fetch(`${srv.url}/api/consent`, { method: 'POST', headers: { 'content-type': 'text/plain', origin }, body: JSON.stringify(body) });

  beforeAll(async () => {
    srv = await startTestServer();
    owner = new Client(srv.url);
    const reg = await owner.post('/api/auth/register', { email: `owner-${tag}@consent.test`, password: PW, org_name: `Consent ${tag}` });
    orgId = reg.body.current_org.id;
    const site = await owner.post('/api/sites', { name: 'Shop', domain });
    siteId = site.body.id;
    trackingId = site.body.tracking_id;
  });

  afterAll(async () => {
    await srv?.cleanup();
  });

  it('settings: defaults, validation, the snippet of each mode, audited changes', async () => {
    const first = await owner.get(`/api/sites/${siteId}/consent`);
    expect(first.body).toMatchObject({ mode: 'none', categories: ['analytics'] });
    expect(first.body.snippet).toContain('/t.js"');
    for (const bad of [
      { mode: 'always' },
      { categories: ['cookies'] },
      { theme: { primary: 'red' } },
      { texts: { en: { title: 5 } } },
      { extra: 1 },
    ]) {
      const r = await owner.request('PUT', `/api/sites/${siteId}/consent`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    const put = await owner.request('PUT', `/api/sites/${siteId}/consent`, {
      mode: 'required',
      categories: ['replay'],
      texts: { de: { title: 'Ihre Privatsphäre', accept_all: 'Alle akzeptieren' } },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.categories).toEqual(['analytics', 'replay']);
    expect(put.body.snippet).toContain('/t.consent.js"');
    expect(put.body.snippet).toContain('data-consent="required"');
    expect(put.body.text_version).toMatch(/^[0-9a-f]{12}$/);
    expect(put.body.text_version).not.toBe(first.body.text_version);
    // Changing only the colours keeps the text version: decisions stay valid.
    const colours = await owner.request('PUT', `/api/sites/${siteId}/consent`, {
      theme: { primary: '#aa0000', background: '#ffffff', text: '#000000' },
    });
    expect(colours.body.text_version).toBe(put.body.text_version);
    const audit = await owner.get(`/api/orgs/${orgId}/audit?action=settings.updated`);
    expect(audit.body.entries.map((e: { details: { fields: string[] } }) => e.details.fields)).toEqual([
      ['theme'],
      ['categories', 'mode', 'texts'],
    ]);

    const pub = await fetch(`${srv.url}/api/consent/config?site=${trackingId}`);
    expect(pub.headers.get('access-control-allow-origin')).toBe('*');
    const cfg = await pub.json();
    expect(cfg).toMatchObject({ mode: 'required', categories: ['analytics', 'replay'], text_version: put.body.text_version });
    expect(JSON.stringify(cfg)).not.toContain(domain);
    expect((await fetch(`${srv.url}/api/consent/config?site=nope`)).status).toBe(404);
    expect((await fetch(`${srv.url}/api/consent/config`)).status).toBe(400);
  });

  it('records decisions from the site only, as a hash chain that verification checks', async () => {
    const version = (await owner.get(`/api/sites/${siteId}/consent`)).body.text_version;
    for (let i = 0; i < 7; i++) {
      const subject = `subj-${tag}-${i % 3}`;
      const choice = { analytics: i % 2 === 0, replay: i % 3 === 0, heatmaps: false, marketing: i === 5 };
      const r = await decide({ site_id: trackingId, subject, choice, text_version: version, source: i === 6 ? 'api' : 'banner' });
      expect(r.status, await r.clone().text()).toBe(201);
      sentChoices.push({
        subject,
        granted: Object.entries(choice)
          .filter(([, v]) => v)
          .map(([k]) => k),
      });
    }
    expect(
      (
        await decide(
          {
            site_id: trackingId,
            subject: `subj-${tag}-x`,
            choice: { analytics: true, replay: false, heatmaps: false, marketing: false },
            text_version: version,
            source: 'banner',
          },
          'https://evil.example',
        )
      ).status,
    ).toBe(403);
    for (const bad of [
      {},
      { site_id: trackingId, subject: 'x', choice: {}, text_version: version, source: 'banner' },
      { site_id: trackingId, subject: `s-${tag}-0000`, choice: { analytics: 'yes' }, text_version: version, source: 'banner' },
    ]) {
      expect((await decide(bad)).status).toBe(400);
    }
    const bad = await fetch(`${srv.url}/api/consent`, { method: 'POST', headers: { origin: `https://${domain}` }, body: 'not json' });
    expect(bad.status).toBe(400);

    const log = await owner.get(`/api/sites/${siteId}/consent/log?limit=1000`);
    const entries = (log.body.entries as unknown[]).map((e) => consentLogEntrySchema.parse(e)).reverse();
    expect(entries.map((e) => [e.subject, e.categories])).toEqual(sentChoices.map((c) => [c.subject, c.granted]));
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Each hash from its own content and the previous hash, computed here.
    let prev = '0'.repeat(64);
    for (const e of entries) {
      expect(e.prev_hash).toBe(prev);
      expect(e.hash).toBe(
        consentHash(siteId, {
          seq: e.seq,
          at: Date.parse(e.at),
          subject: e.subject,
          categories: e.categories.join(','),
          text_version: e.text_version,
          source: e.source,
          prev_hash: e.prev_hash,
        }),
      );
      prev = e.hash;
    }
    const one = await owner.get(`/api/sites/${siteId}/consent/log?subject=subj-${tag}-1`);
    expect(one.body.entries.map((e: ConsentLogEntry) => e.seq)).toEqual([5, 2]);
    const csv = await owner.get(`/api/sites/${siteId}/consent/log/export?format=csv`);
    expect((parse(csv.text, { columns: true }) as Array<{ hash: string }>).map((r) => r.hash)).toEqual(
      [...entries].reverse().map((e) => e.hash),
    );
    expect((await owner.get(`/api/sites/${siteId}/consent/log/verify`)).body).toEqual({ ok: true, entries: 7, first_bad_seq: null });

    // Someone with database access rewrites a decision: the chain no longer holds from that entry on.
    await sql`UPDATE consent_log SET categories = ${'analytics,replay,heatmaps,marketing'} WHERE site_id = ${siteId} AND seq = ${4}`.execute(
      srv.ctx.meta.db,
    );
    expect((await owner.get(`/api/sites/${siteId}/consent/log/verify`)).body).toEqual({ ok: false, entries: 4, first_bad_seq: 4 });
  });

  it('the collector enforces the mode: no analytics consent, no event (required) or no stored id (optional-upgrade)', async () => {
    const collect = async ({ path, ...props }: Record<string, string>, visitor?: string) => {
      const r = await fetch(`${srv.url}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain',
          origin: `https://${domain}`,
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
          'accept-language': 'en',
        },
        body: JSON.stringify({
          site_id: trackingId,
          events: [{ name: 'page_view', properties: { url: `https://${domain}/${path}`, path: `/${path}`, ...props } }],
          ...(visitor ? { visitor: { id: visitor } } : {}),
        }),
      });
      expect(r.status, await r.clone().text()).toBe(202);
    };
    const rows = (path: string) =>
      srv.ctx.events.query<{ visitor_id: string; props: unknown }>(
        'SELECT visitor_id, CAST(props AS VARCHAR) AS props FROM events WHERE site_id = ? AND path = ?',
        [siteId, `/${path}`],
      );
    const day = new Date().toISOString().slice(0, 10);
    const noConsent = async () =>
      (await srv.ctx.events.dropCounts(siteId, day, day)).filter((d) => d.reason === 'no_consent').reduce((n, d) => n + d.count, 0);

    // required (set above): without the marker, or with only other categories, nothing is stored.
    await owner.request('PUT', `/api/sites/${siteId}/consent`, { mode: 'required' });
    const before = await noConsent();
    await collect({ path: 'none' });
    await collect({ path: 'replay-only', tm_consent: 'replay' });
    await collect({ path: 'granted', tm_consent: 'analytics,replay' });
    expect(await rows('none')).toEqual([]);
    expect(await rows('replay-only')).toEqual([]);
    const granted = await rows('granted');
    expect(granted.length).toBe(1);
    // The marker itself is never stored.
    expect(String(granted[0]!.props)).not.toContain('tm_consent');
    await until(async () => (await noConsent()) - before === 2);

    // optional-upgrade on a site that may store ids: the browser's id only with analytics consent.
    await owner.request('PUT', `/api/sites/${siteId}/consent`, { mode: 'optional-upgrade' });
    await owner.patch(`/api/sites/${siteId}`, { cookieless: false });
    await new Promise((r) => setTimeout(r, 10_500)); // the collector's cached site (10 s) sees the new settings
    await collect({ path: 'upgrade-no' }, `vid-${tag}-1`);
    await collect({ path: 'upgrade-yes', tm_consent: 'analytics' }, `vid-${tag}-2`);
    expect((await rows('upgrade-no')).map((r) => r.visitor_id)).not.toContain(`vid-${tag}-1`);
    expect((await rows('upgrade-no')).length).toBe(1);
    expect((await rows('upgrade-yes')).map((r) => r.visitor_id)).toEqual([`vid-${tag}-2`]);
  }, 60_000);

  it('the log is for admins of the site: a viewer and anonymous callers are refused', async () => {
    const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: `viewer-${tag}@consent.test`, role: 'viewer' });
    const viewer = new Client(srv.url);
    await viewer.post('/api/invitations/accept', { token: inv.body.token, password: PW });
    expect((await viewer.get(`/api/sites/${siteId}/consent/log`)).status).toBe(403);
    expect((await viewer.request('PUT', `/api/sites/${siteId}/consent`, { mode: 'none' })).status).toBe(403);
    // Other organizations: the route-matrix test (tenant-isolation.test.ts) covers these routes too.
    expect((await new Client(srv.url).get(`/api/sites/${siteId}/consent/log`)).status).toBe(401);
  });
});
