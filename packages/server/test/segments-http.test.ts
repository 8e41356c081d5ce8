import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileListSchema, segmentsSchema, SEGMENT_K_MAX, SEGMENT_K_MIN } from '@tidemark/core';
import { generateSegmentPeople } from '@tidemark/testkit';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';

/**
 * Segments over HTTP: the list before and after a training started with POST (202, audited), validation,
 * another organization refused, the public API's read, and profiles carrying their segment.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let orgId = '';
let readKey = '';
let site: { id: string };

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  const reg = await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' });
  owner = reg.client;
  orgId = reg.me.current_org.id;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'shop.test', timezone: 'UTC' })).body;
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  const { events } = generateSegmentPeople({ siteId: site.id, now: Date.now(), perArchetype: 8 });
  await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

describe('segments over HTTP', () => {
  const list = () => `/api/sites/${site.id}/segments`;
  const train = () => `/api/sites/${site.id}/segments/train`;

  it('lists nothing before a training; profiles have no segment', async () => {
    const r = await owner.get(list());
    expect(r.status).toBe(200);
    expect(segmentsSchema.parse(r.body)).toMatchObject({ status: 'untrained', k: null, segments: [], criterion: 'silhouette' });
    const profiles = profileListSchema.parse((await owner.get(`/api/sites/${site.id}/profiles?limit=5`)).body);
    expect(profiles.profiles.every((p) => p.segment === null)).toBe(true);
  });

  it('refuses a body with options, and other organizations', async () => {
    const bad = await owner.request('POST', train(), { k: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'validation_error' } });
    expect([403, 404]).toContain((await stranger.request('POST', train(), {})).status);
    expect([403, 404]).toContain((await stranger.get(list())).status);
  });

  it('trains in the background (202, audited), then lists 8–12 segments; profiles carry theirs', async () => {
    const r = await owner.request('POST', train(), {});
    expect([r.status, r.body]).toEqual([202, { success: true, status: 'training' }]);
    let body = segmentsSchema.parse((await owner.get(list())).body);
    for (let i = 0; i < 100 && body.status === 'training'; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      body = segmentsSchema.parse((await owner.get(list())).body);
    }
    expect(body.status).toBe('trained');
    expect(body.k).toBeGreaterThanOrEqual(SEGMENT_K_MIN);
    expect(body.k).toBeLessThanOrEqual(SEGMENT_K_MAX);
    expect(body.segments.length).toBe(body.k);
    expect(body.segments.reduce((a, s) => a + s.people, 0)).toBe(body.people);
    expect(body.people).toBe(80);
    const audit = await owner.get(`/api/orgs/${orgId}/audit?action=segments.training_started`);
    expect(audit.body.entries.map((e: { target: unknown; site_id: string }) => [e.target, e.site_id])).toEqual([
      [{ type: 'segments', id: site.id }, site.id],
    ]);
    const api = await new Client(srv.url).get(`/v1/sites/${site.id}/segments`, { authorization: `Bearer ${readKey}` });
    expect([api.status, api.body]).toEqual([200, body]);
    const profiles = profileListSchema.parse((await owner.get(`/api/sites/${site.id}/profiles?limit=50`)).body);
    const ids = new Set(body.segments.map((s) => s.id));
    for (const p of profiles.profiles) {
      expect(ids.has(p.segment!.id)).toBe(true);
      expect(p.segment!.name).toBe(body.segments.find((s) => s.id === p.segment!.id)!.name);
    }
    const one = (await owner.get(`/api/sites/${site.id}/profiles/${encodeURIComponent(profiles.profiles[0]!.id)}`)).body;
    expect(one.segment).toEqual(profiles.profiles[0]!.segment);
  });

  it('takes segment and score as stats dimensions', async () => {
    const r = await owner.get(`/api/sites/${site.id}/stats?period=last_30_days&metrics=visitors&dimensions=segment`);
    expect(r.status).toBe(200);
    expect(r.body.dimensions).toHaveProperty('segments');
    const bad = await owner.get(`/api/sites/${site.id}/stats?period=last_30_days&metrics=avg_time&dimensions=score`);
    expect(bad.status).toBe(400);
  });
});
