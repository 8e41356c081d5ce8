import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileListSchema, profileSchema, profileTimelineSchema } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { handProfileEvents, PROFILE_SITE, T0 } from './helpers/profiles-fixture';

/**
 * Profiles over HTTP: the hand-made identity case of the profiles suite (worked out there) through the
 * dashboard and the public API, a profile id that needs URL-encoding, access and bad input.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let site: { id: string };
let readKey: string;

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'shop.test', timezone: 'UTC' })).body;
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  const events = handProfileEvents()
    .filter((e) => e.site_id === PROFILE_SITE.id)
    .map((e) => ({ ...e, site_id: site.id }));
  // A user id with characters that need encoding in a path.
  events.push({
    ...events[6]!,
    event_id: '00000000-0000-4000-b000-999999999999',
    visitor_id: 'z1',
    session_id: 'z',
    user_id: 'a/b c@x.test',
  });
  // The longest user id an event may carry.
  events.push({
    ...events[6]!,
    event_id: '00000000-0000-4000-b000-999999999998',
    visitor_id: 'z2',
    session_id: 'zz',
    user_id: 'é'.repeat(300),
  });
  await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

describe('profiles over HTTP', () => {
  it('lists, shows and gives the timeline, the same on the dashboard and the public API', async () => {
    const base = `/api/sites/${site.id}/profiles`;
    const list = profileListSchema.parse((await owner.get(`${base}?search=acme`)).body);
    expect(list.profiles.map((p) => p.id)).toEqual(['ualice']);
    const one = await owner.get(`${base}/ualice`);
    expect(one.status).toBe(200);
    expect(profileSchema.parse(one.body)).toMatchObject({ first_seen: T0, pageviews: 4, visitor_ids: 2 });
    const tl = await owner.get(`${base}/ualice/timeline?limit=1&offset=1`);
    expect(profileTimelineSchema.parse(tl.body).sessions[0]!.events.map((e) => e.path)).toEqual(['/', '/pricing', '/', '/app']);
    const key = { authorization: `Bearer ${readKey}` };
    for (const path of ['?search=acme', '/ualice', '/ualice/timeline?limit=1&offset=1']) {
      const api = await new Client(srv.url).get(`/v1/sites/${site.id}/profiles${path}`, key);
      expect(api.status).toBe(200);
      expect(api.body).toEqual((await owner.get(`${base}${path}`)).body);
    }
    const odd = await owner.get(`${base}/${encodeURIComponent('ua/b c@x.test')}`);
    expect([odd.status, odd.body.user_id]).toEqual([200, 'a/b c@x.test']);
    const long = await owner.get(`${base}/${encodeURIComponent(`u${'é'.repeat(300)}`)}/timeline`);
    expect([long.status, long.body.total]).toEqual([200, 1]);
  });

  it("is the site members' only and refuses bad input with coded 400s", async () => {
    const base = `/api/sites/${site.id}/profiles`;
    expect((await new Client(srv.url).get(base)).status).toBe(401);
    expect((await stranger.get(base)).status).toBe(404);
    expect((await stranger.get(`${base}/ualice`)).status).toBe(404);
    expect((await owner.get(`${base}/unobody`)).status).toBe(404);
    for (const [path, code] of [
      ['?sort=money', 'invalid_sort'],
      ['?limit=abc', 'invalid_limit'],
      ['?x=1', 'unknown_parameter'],
      ['/qalice', 'invalid_profile'],
      ['/ualice/timeline?limit=51', 'invalid_limit'],
    ]) {
      const r = await owner.get(`${base}${path}`);
      expect([r.status, r.body.success, r.body.error?.code]).toEqual([400, false, code]);
    }
  });
});
