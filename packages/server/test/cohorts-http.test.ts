import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortsSchema } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { HAND_SITE, handEvents } from './helpers/cohorts-fixture';

/**
 * Cohorts over HTTP: the hand-worked identity case of the cohorts suite (numbers worked out there)
 * through the dashboard and public API, with a goal created through the API; access and bad input.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let site: { id: string };
let readKey: string;
let goalId: string;

const Q = 'period=custom&start_date=2024-01-01&end_date=2024-01-31&periods=5';

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'example.com', timezone: HAND_SITE.timezone })).body;
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  goalId = (await owner.post(`/api/sites/${site.id}/goals`, { name: 'Signed up', type: 'event', match: { event_name: 'signup' } })).body.id;
  const events = handEvents().map((e) => ({ ...e, site_id: site.id }));
  await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

describe('cohorts over HTTP', () => {
  it('answers the dashboard and the public API alike, people by default on a site with identified users', async () => {
    const r = await owner.get(`/api/sites/${site.id}/cohorts?${Q}&goal=${goalId}`);
    expect(r.status).toBe(200);
    const got = cohortsSchema.parse(r.body);
    expect(got.basis).toBe('people');
    expect(got.goal).toEqual({ id: goalId, name: 'Signed up' });
    expect(got.cohorts.map((c) => [c.cohort, c.size, c.converted, c.cells.map((x) => x.active)])).toEqual([
      ['2024-01-01', 2, 0, [2, 1, 1, 0, 0]],
      ['2024-01-08', 1, 1, [1, 0, 1, 0, 0]],
    ]);
    const api = await new Client(srv.url).get(`/v1/sites/${site.id}/cohorts?${Q}&goal=${goalId}`, { authorization: `Bearer ${readKey}` });
    expect(api.status).toBe(200);
    expect(api.body).toEqual(r.body);
  });

  it('answers journey segments over the goal', async () => {
    const q = `period=custom&start_date=2024-01-01&end_date=2024-01-31&goal=${goalId}`;
    const r = await owner.get(`/api/sites/${site.id}/journeys?${q}`);
    expect(r.status).toBe(200);
    expect(r.body.segments.map((s: { id: string; members: number }) => [s.id, s.members])).toEqual([
      ['direct_converters', 0],
      ['researchers', 1],
      ['later_converters', 0],
      ['browsers', 0],
      ['others', 2],
    ]);
    const api = await new Client(srv.url).get(`/v1/sites/${site.id}/journeys?${q}`, { authorization: `Bearer ${readKey}` });
    expect(api.body).toEqual(r.body);
    expect((await stranger.get(`/api/sites/${site.id}/journeys?${q}`)).status).toBe(404);
    const bad = await owner.get(`/api/sites/${site.id}/journeys`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_goal']);
  });

  it("is the site members' only and refuses bad input with coded 400s", async () => {
    expect((await new Client(srv.url).get(`/api/sites/${site.id}/cohorts?${Q}`)).status).toBe(401);
    expect((await stranger.get(`/api/sites/${site.id}/cohorts?${Q}`)).status).toBe(404);
    for (const [q, code] of [
      ['interval=year', 'invalid_interval'],
      ['periods=0', 'invalid_periods'],
      ['unit=accounts', 'invalid_unit'],
      ['goal=nope', 'invalid_goal'],
      ['x=1', 'unknown_parameter'],
    ]) {
      const r = await owner.get(`/api/sites/${site.id}/cohorts?${Q}&${q}`);
      expect([r.status, r.body.success, r.body.error?.code], q).toEqual([400, false, code]);
    }
  });
});
