import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageNeighboursSchema, pathsSchema } from '@tidemark/core';
import { Client, signUp, signUpConfirmed } from './helpers/accounts';
import { startSmtpSink } from './helpers/smtp-sink';
import { startTestServer } from './helpers/server';
import { pathCases, PATHS_SITE } from './helpers/paths-fixture';

/**
 * Paths over HTTP: the dashboard and public API answers for the paths suite's hand-worked visits
 * (numbers worked out in paths-suite.ts), who may read them, and bad input as coded 400s.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
let mail: Awaited<ReturnType<typeof startSmtpSink>>;
let owner: Client;
let stranger: Client;
let site: { id: string };
let readKey: string;

const P = 'period=custom&start_date=2024-03-01&end_date=2024-03-02';

beforeAll(async () => {
  mail = await startSmtpSink();
  srv = await startTestServer({ smtpUrl: mail.url }, { TIDEMARK_OPEN_SIGNUP: 'true' });
  owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
  stranger = (await signUpConfirmed(srv.url, mail, 'stranger@example.com', 'correct horse battery', { org_name: 'Other' })).client;
  site = (await owner.post('/api/sites', { domain: 'example.com', timezone: PATHS_SITE.timezone })).body;
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
  const events = pathCases()
    .filter((e) => e.site_id === PATHS_SITE.id)
    .map((e) => ({ ...e, site_id: site.id }));
  await srv.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
});

afterAll(async () => {
  await srv?.cleanup();
  await mail?.close();
});

describe('paths over HTTP', () => {
  it('answers the dashboard and the public API alike', async () => {
    const r = await owner.get(`/api/sites/${site.id}/paths?${P}`);
    expect(r.status).toBe(200);
    const paths = pathsSchema.parse(r.body);
    expect(paths.visitors).toBe(6);
    expect(paths.steps.map((s) => s.visitors)).toEqual([6, 6, 3, 3, 1]);
    const api = await new Client(srv.url).get(`/v1/sites/${site.id}/paths?${P}`, { authorization: `Bearer ${readKey}` });
    expect(api.status).toBe(200);
    expect(api.body).toEqual(r.body);
    const back = await owner.get(`/api/sites/${site.id}/paths?${P}&end_page=%2Fpricing&depth=2`);
    expect(back.body.nodes.map((n: { step: number; name: string; visitors: number }) => [n.step, n.name, n.visitors])).toEqual([
      [1, '/pricing', 5],
      [2, '/', 4],
      [2, '/blog', 1],
    ]);
  });

  it('lists the next and previous steps of a page', async () => {
    const r = await owner.get(`/api/sites/${site.id}/paths/pages?${P}&page=%2Fpricing`);
    expect(r.status).toBe(200);
    const got = pageNeighboursSchema.parse(r.body);
    expect(got.next.map((n) => [n.name, n.visitors])).toEqual([
      ['(exit)', 4],
      ['/signup', 1],
    ]);
    const api = await new Client(srv.url).get(`/v1/sites/${site.id}/paths/pages?${P}&page=%2Fpricing`, {
      authorization: `Bearer ${readKey}`,
    });
    expect(api.body).toEqual(r.body);
  });

  it("is the site members' only: 401 without a session or key, 404 for another organization", async () => {
    expect((await new Client(srv.url).get(`/api/sites/${site.id}/paths?${P}`)).status).toBe(401);
    expect((await new Client(srv.url).get(`/v1/sites/${site.id}/paths?${P}`)).status).toBe(401);
    expect((await stranger.get(`/api/sites/${site.id}/paths?${P}`)).status).toBe(404);
    expect((await stranger.get(`/api/sites/${site.id}/paths/pages?${P}&page=%2F`)).status).toBe(404);
  });

  it('refuses bad parameters with coded 400s', async () => {
    const cases: Array<[string, string]> = [
      ['depth=1', 'invalid_depth'],
      ['depth=abc', 'invalid_depth'],
      ['start_page=%2Fa&end_event=x', 'invalid_anchor'],
      ['start_page=nope', 'invalid_start_page'],
      ['filters=%5B%5B', 'invalid_filter'],
      ['nodes_per_step=0', 'invalid_nodes_per_step'],
      ['whatever=1', 'unknown_parameter'],
    ];
    for (const [q, code] of cases) {
      const r = await owner.get(`/api/sites/${site.id}/paths?${P}&${q}`);
      expect([r.status, r.body.success, r.body.error?.code], q).toEqual([400, false, code]);
    }
    const noPage = await owner.get(`/api/sites/${site.id}/paths/pages?${P}`);
    expect([noPage.status, noPage.body.error.code]).toEqual([400, 'invalid_page']);
  });
});
