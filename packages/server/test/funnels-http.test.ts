import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, funnelSchema, funnelStatsSchema } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { caseEvents, FUNNEL_SITE, SIGNUP_STEPS } from './helpers/funnel-fixture';

/**
 * Funnels over HTTP: definitions (create, list, read, change, delete), who may do what, bad input,
 * and the stats answer for the hand-worked cases of the funnel suite (numbers worked out there).
 */
type Srv = Awaited<ReturnType<typeof startTestServer>>;
let srv: Srv;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let viewer: Client;
let stranger: Client;
let site: { id: string };
let strangerSite: { id: string };
let readKey: string;

const P = 'period=custom&start_date=2024-03-01&end_date=2024-03-02';
const BODY = { name: 'Sign-up', steps: SIGNUP_STEPS };

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'example.com', timezone: FUNNEL_SITE.timezone })).body;
  strangerSite = (await stranger.post('/api/sites', { domain: 'stranger.example', timezone: 'UTC' })).body;
  const me = await owner.get('/api/auth/me');
  const orgId = me.body.current_org.id as string;
  const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: 'vic@example.com', role: 'viewer' });
  viewer = new Client(srv.url);
  const reg = await viewer.post('/api/auth/register', {
    email: 'vic@example.com',
    password: 'correct horse battery',
    invitation: inv.body.token,
  });
  if (reg.status !== 201) throw new Error(`viewer ${reg.status} ${reg.text}`);
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  const events = caseEvents()
    .filter((e) => e.site_id === FUNNEL_SITE.id)
    .map((e) => ({ ...e, site_id: site.id }));
  await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

describe('funnel definitions', () => {
  it('creates (201), lists, reads, changes and deletes', async () => {
    const created = await owner.post(`/api/sites/${site.id}/funnels`, { ...BODY, scope: 'visitor', window: { value: 2, unit: 'hours' } });
    expect(created.status).toBe(201);
    const f = funnelSchema.parse(created.body);
    expect(f).toMatchObject({ site_id: site.id, scope: 'visitor', window: { value: 2, unit: 'hours' }, steps: SIGNUP_STEPS });
    expect((await owner.get(`/api/sites/${site.id}/funnels`)).body.funnels.map((x: { id: string }) => x.id)).toEqual([f.id]);
    expect((await owner.get(`/api/sites/${site.id}/funnels/${f.id}`)).body).toEqual(f);
    const patched = await owner.patch(`/api/sites/${site.id}/funnels/${f.id}`, { name: 'Renamed', window: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', window: null, scope: 'visitor' });
    expect((await owner.del(`/api/sites/${site.id}/funnels/${f.id}`)).status).toBe(204);
    expect((await owner.get(`/api/sites/${site.id}/funnels/${f.id}`)).status).toBe(404);
    expect((await owner.del(`/api/sites/${site.id}/funnels/${f.id}`)).status).toBe(404);
  });

  it('lets viewers read but not edit; other organizations see 404', async () => {
    const f = (await owner.post(`/api/sites/${site.id}/funnels`, BODY)).body;
    expect((await viewer.get(`/api/sites/${site.id}/funnels`)).status).toBe(200);
    expect((await viewer.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}`)).status).toBe(200);
    expect((await viewer.post(`/api/sites/${site.id}/funnels`, BODY)).status).toBe(403);
    expect((await viewer.patch(`/api/sites/${site.id}/funnels/${f.id}`, { name: 'x' })).status).toBe(403);
    expect((await viewer.del(`/api/sites/${site.id}/funnels/${f.id}`)).status).toBe(403);
    for (const r of [
      await stranger.get(`/api/sites/${site.id}/funnels/${f.id}`),
      await stranger.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}`),
      await stranger.patch(`/api/sites/${site.id}/funnels/${f.id}`, { name: 'x' }),
      await stranger.del(`/api/sites/${site.id}/funnels/${f.id}`),
      // Through the stranger's own site, the funnel does not exist either.
      await stranger.get(`/api/sites/${strangerSite.id}/funnels/${f.id}`),
      await stranger.get(`/api/sites/${strangerSite.id}/funnels/${f.id}/stats`),
    ])
      expect(r.status).toBe(404);
    expect((await owner.get(`/api/sites/${site.id}/funnels/${f.id}`)).body.name).toBe('Sign-up');
  });

  it('refuses bad definitions with 400 and the error shape', async () => {
    const step = SIGNUP_STEPS[0];
    const bad: Array<[string, unknown]> = [
      ['invalid regex', { name: 'x', steps: [{ name: 'a', type: 'pageview', match: { path_regex: '(' } }, step] }],
      ['backreference (not RE2)', { name: 'x', steps: [{ name: 'a', type: 'pageview', match: { path_regex: '(a)\\1' } }, step] }],
      ['more than 10 steps', { name: 'x', steps: Array.from({ length: 11 }, () => step) }],
      ['one step', { name: 'x', steps: [step] }],
      ['empty funnel name', { name: '  ', steps: [step, step] }],
      ['empty step name', { name: 'x', steps: [{ ...step, name: '' }, step] }],
      ['unknown field', { name: 'x', steps: [step, step], colour: 'red' }],
      ['unknown match field', { name: 'x', steps: [{ name: 'a', type: 'pageview', match: { url_pattern: '/', dimension: 'x' } }, step] }],
      ['event step without a name', { name: 'x', steps: [{ name: 'a', type: 'event', match: { url_pattern: '/' } }, step] }],
      [
        'pageview with both patterns',
        { name: 'x', steps: [{ name: 'a', type: 'pageview', match: { url_pattern: '/', path_regex: '^/$' } }, step] },
      ],
      ['bad scope', { name: 'x', steps: [step, step], scope: 'forever' }],
      ['window too long', { name: 'x', steps: [step, step], window: { value: 31, unit: 'days' } }],
      [
        'bad property key',
        { name: 'x', steps: [{ name: 'a', type: 'event', match: { event_name: 'e', event_properties: { 'a"b': 'x' } } }, step] },
      ],
    ];
    for (const [why, body] of bad) {
      const r = await owner.post(`/api/sites/${site.id}/funnels`, body);
      expect(r.status, why).toBe(400);
      expect(r.body, why).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    const f = (await owner.post(`/api/sites/${site.id}/funnels`, BODY)).body;
    expect(
      (
        await owner.patch(`/api/sites/${site.id}/funnels/${f.id}`, {
          steps: [{ name: 'a', type: 'pageview', match: { path_regex: '[' } }, step],
        })
      ).status,
    ).toBe(400);
    expect((await owner.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}&breakdown=colour`)).status).toBe(400);
    expect((await owner.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}&metrics=visitors`)).status).toBe(400);
    expect((await owner.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}&filters=nope`)).status).toBe(400);
  });
});

describe('funnel stats', () => {
  it('answers steps, drop-offs and medians in the documented shape, for the dashboard and the public API', async () => {
    const f = (await owner.post(`/api/sites/${site.id}/funnels`, BODY)).body;
    const r = await owner.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}`);
    expect(r.status).toBe(200);
    const stats = funnelStatsSchema.parse(r.body);
    expect(stats.steps.map((s) => s.visitors)).toEqual([10, 8, 6, 2]);
    expect(stats.steps.map((s) => s.median_seconds_from_previous)).toEqual([null, 270, 240, 30]);
    expect(stats.drop_offs[2]).toEqual({
      after_step: 3,
      next: [
        { path_or_event: '(exit)', visitors: 3 },
        { path_or_event: 'signup_completed', visitors: 1 },
      ],
    });
    const api = await new Client(srv.url).get(`/v1/sites/${site.id}/funnels/${f.id}/stats?${P}`, { authorization: `Bearer ${readKey}` });
    expect(api.status).toBe(200);
    expect(api.body).toEqual(r.body);
    const list = await new Client(srv.url).get(`/v1/sites/${site.id}/funnels`, { authorization: `Bearer ${readKey}` });
    expect(list.body.funnels.map((x: { id: string }) => x.id)).toContain(f.id);
    const bySource = await owner.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}&breakdown=source`);
    expect(
      bySource.body.breakdown.rows.find((x: { value: string }) => x.value === 'Google').steps.map((s: { visitors: number }) => s.visitors),
    ).toEqual([3, 3, 3, 1]);
  });

  it('runs a pathological pattern in linear time (RE2)', async () => {
    const long = `/${'a'.repeat(5000)}!`;
    const events = Array.from({ length: 200 }, (_, i) => {
      const ts = Date.parse('2024-03-01T12:00:00Z') + i * 1000;
      const e = emptyEvent({
        event_id: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        site_id: site.id,
        ts,
        received_at: ts,
        name: 'page_view',
      });
      return { ...e, visitor_id: `p${i}`, session_id: `p${i}`, path: long };
    });
    await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
    const f = (
      await owner.post(`/api/sites/${site.id}/funnels`, {
        name: 'Backtracking',
        steps: [{ name: 'a', type: 'pageview', match: { path_regex: '^/(a+)+$' } }, SIGNUP_STEPS[1]],
      })
    ).body;
    const started = Date.now();
    const r = await owner.get(`/api/sites/${site.id}/funnels/${f.id}/stats?${P}`);
    expect(r.status).toBe(200);
    expect(r.body.steps[0].visitors).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
