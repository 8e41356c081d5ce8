import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentAssignResponseSchema, experimentResultsSchema, experimentSchema } from '@tidemark/core';
import { assignmentUnit, variantFor } from '../src/experiments';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { uuidv7 } from './helpers/events';

/**
 * Experiments over HTTP on a real server (SQLite metadata, DuckDB events): bad input, the lifecycle with
 * its audit entries, roles and tenancy, the public read, and the browser's assignment: the collector's
 * attribution id in, the variant of that visitor (or user) out, one exposure per session kept by the store.
 */
let s: CollectServer;
let goalId: string;
const VARIANTS = [
  { key: 'control', weight: 1 },
  { key: 'green', weight: 1 },
];

beforeAll(async () => {
  s = await startCollectServer();
  goalId = (await s.ctx.meta.goals.create(s.site.id, { name: 'Bought', type: 'event', match: { event_name: 'purchase' } })).id;
});
afterAll(async () => {
  await s?.cleanup();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
/** For requests without a body (a JSON content type with an empty body is a 400). */
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const base = () => `/api/sites/${s.site.id}/experiments`;
const create = (key: string, body: Record<string, unknown> = {}) =>
  s.request('POST', base(), { key, name: key, variants: VARIANTS, metric: { type: 'goal', goal_id: goalId }, ...body }, auth(s.keys.write));

/** A page view like the tracker's, from one visitor; the answer's attribution id names its visitor and session. */
async function pageView(ua: string, name = 'page_view', extra: Record<string, unknown> = {}) {
  const r = await s.collect(
    {
      site_id: s.site.tracking_id,
      sent_at: Date.now(),
      events: [{ event_id: uuidv7(), name, timestamp: Date.now(), properties: { url: 'https://www.example.com/', path: '/', ...extra } }],
    },
    { 'user-agent': ua },
  );
  expect(r.status, r.text).toBe(202);
  return r.body.aid as string;
}
const assign = (aid: string, userId?: string) =>
  s.request('POST', '/api/experiments/assign', JSON.stringify({ site_id: s.site.tracking_id, aid, user_id: userId }), {
    'content-type': 'text/plain;charset=UTF-8',
    origin: 'https://www.example.com',
  });

describe('experiments API', () => {
  it('refuses bad input with coded 4xx answers', async () => {
    for (const body of [
      { variants: [{ key: 'only', weight: 1 }] },
      {
        variants: [
          { key: 'a', weight: 1 },
          { key: 'a', weight: 2 },
        ],
      },
      {
        variants: [
          { key: 'A B', weight: 1 },
          { key: 'b', weight: 1 },
        ],
      },
      { metric: { type: 'goal', goal_id: 'nope' } },
      { metric: { type: 'visits' } },
    ]) {
      const r = await create('bad', body);
      expect(r.status, r.text).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await s.request('POST', base(), '{', auth(s.keys.write))).status).toBe(400);
    expect((await create('dup')).status).toBe(201);
    expect((await create('dup')).body.error.code).toBe('experiment_key_taken');
  });

  it('runs the lifecycle draft → running → stopped with a winner, each step in the audit log', async () => {
    const made = await create('hero');
    expect(made.status).toBe(201);
    const e = experimentSchema.parse(made.body);
    expect(e).toMatchObject({ status: 'draft', winner: null, started_at: null });
    const url = `${base()}/${e.id}`;
    expect((await s.request('PATCH', url, { name: 'Hero banner' }, auth(s.keys.write))).body.name).toBe('Hero banner');
    expect((await s.request('POST', `${url}/winner`, { variant: 'green' }, auth(s.keys.write))).status).toBe(409);
    const started = await s.request('POST', `${url}/start`, {}, auth(s.keys.write));
    expect(started.body).toMatchObject({ status: 'running', started_at: expect.any(String) });
    expect((await s.request('PATCH', url, { variants: VARIANTS.slice().reverse() }, auth(s.keys.write))).body.error.code).toBe(
      'experiment_not_draft',
    );
    expect((await s.request('POST', `${url}/start`, {}, auth(s.keys.write))).status).toBe(409);
    expect((await s.request('POST', `${url}/winner`, { variant: 'blue' }, auth(s.keys.write))).status).toBe(400);
    const won = await s.request('POST', `${url}/winner`, { variant: 'green' }, auth(s.keys.write));
    expect(won.body).toMatchObject({ status: 'stopped', winner: 'green', stopped_at: expect.any(String) });
    const entries = await s.ctx.meta.auditLog.list(s.site.org_id, { action: 'experiment', limit: 50 });
    const mine = entries.filter((x) => x.target?.id === e.id || (x.action === 'experiment.created' && x.details.key === 'hero'));
    expect(mine.map((x) => x.action).sort()).toEqual([
      'experiment.created',
      'experiment.started',
      'experiment.updated',
      'experiment.winner_declared',
    ]);
    expect(mine.every((x) => x.site_id === s.site.id && x.outcome === 'success')).toBe(true);
  });

  it('lets read keys read (also through /v1) but not write; other organizations see nothing', async () => {
    const e = (await create('readable')).body;
    const list = await s.request('GET', `/v1/sites/${s.site.id}/experiments`, undefined, auth(s.keys.read));
    expect(list.body.experiments.map((x: { key: string }) => x.key)).toContain('readable');
    const results = await s.request('GET', `/v1/sites/${s.site.id}/experiments/${e.id}/results`, undefined, auth(s.keys.read));
    expect(experimentResultsSchema.parse(results.body).variants.map((v) => v.exposed_visitors)).toEqual([0, 0]);
    expect((await s.request('POST', `${base()}/${e.id}/start`, {}, auth(s.keys.read))).status).toBe(403);
    expect((await s.request('GET', `${base()}/${e.id}`, undefined, auth(s.keys.otherOrg))).status).toBe(404);
    expect((await s.request('DELETE', `/api/sites/${s.otherSite.id}/experiments/${e.id}`, undefined, bearer(s.keys.otherOrg))).status).toBe(
      404,
    );
    expect((await s.request('DELETE', `${base()}/${e.id}`, undefined, bearer(s.keys.write))).status).toBe(204);
    expect((await s.request('GET', `${base()}/${e.id}`, undefined, bearer(s.keys.read))).status).toBe(404);
  });
});

describe('assignment for the browser', () => {
  it('answers the variant of the visitor the attribution id names, stable, by user id once identified; one exposure per session', async () => {
    const e = (await create('buy-button')).body;
    await s.request('POST', `${base()}/${e.id}/start`, {}, auth(s.keys.write));
    const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36';
    const aid = await pageView(ua);
    const first = await assign(aid);
    expect(first.status, first.text).toBe(200);
    const answer = experimentAssignResponseSchema.parse(first.body).experiments;
    expect(Object.keys(answer)).not.toContain('readable');
    const [stored] = await s.events(s.site, "AND name = 'page_view'");
    const visitor = String(stored!.visitor_id);
    expect(answer['buy-button']!.variant).toBe(variantFor('buy-button', assignmentUnit(visitor, null), VARIANTS));
    // Stable: the same visitor and session (a later, passive event's answer), the same answer; the exposure id is the session's.
    const again = (await assign(await pageView(ua, 'scroll_depth', { scroll_depth: 50 }))).body.experiments;
    expect(again['buy-button']).toEqual(answer['buy-button']);
    // Identified: the user id is the unit.
    const asUser = (await assign(aid, 'user-77')).body.experiments;
    expect(asUser['buy-button']!.variant).toBe(variantFor('buy-button', 'uuser-77', VARIANTS));
    // The stopped experiment shows its winner to everybody and records nothing.
    expect(answer.hero).toEqual({ variant: 'green', exposure_id: null });

    // The exposure sent twice (two pages of the session) is stored once, and it does not end a bounce.
    const exposure = {
      event_id: answer['buy-button']!.exposure_id,
      name: '$exposure',
      timestamp: Date.now(),
      properties: { url: 'https://www.example.com/', path: '/', key: 'buy-button', variant: answer['buy-button']!.variant },
    };
    for (let i = 0; i < 2; i++)
      expect((await s.collect({ site_id: s.site.tracking_id, sent_at: Date.now(), events: [exposure] }, { 'user-agent': ua })).status).toBe(
        202,
      );
    const exposures = await s.events(s.site, "AND name = '$exposure'");
    expect(exposures).toHaveLength(1);
    expect(JSON.parse(String(exposures[0]!.props))).toMatchObject({ key: 'buy-button', variant: answer['buy-button']!.variant });
    const bounce = await s.request(
      'GET',
      `/api/sites/${s.site.id}/stats?period=today&metrics=bounce_rate,sessions`,
      undefined,
      auth(s.keys.read),
    );
    expect(bounce.body.metrics.bounce_rate.value).toBe(100);

    const results = experimentResultsSchema.parse((await s.request('GET', `${base()}/${e.id}/results`, undefined, auth(s.keys.read))).body);
    const row = results.variants.find((v) => v.variant === answer['buy-button']!.variant)!;
    expect(row).toMatchObject({ exposed_sessions: 1, exposed_visitors: 1, conversions: 0 });
  });

  it('refuses a forged or foreign attribution id, an unknown site and a foreign origin', async () => {
    const aid = await pageView('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36');
    expect((await assign(`${aid.slice(0, -2)}xx`)).body.error.code).toBe('invalid_aid');
    const foreign = await s.request('POST', '/api/experiments/assign', JSON.stringify({ site_id: s.otherSite.tracking_id, aid }), {
      'content-type': 'text/plain',
      origin: 'https://other.org',
    });
    expect(foreign.body.error.code).toBe('invalid_aid');
    expect(
      (await s.request('POST', '/api/experiments/assign', JSON.stringify({ site_id: 'nope', aid }), { 'content-type': 'text/plain' }))
        .status,
    ).toBe(404);
    const evil = await s.request('POST', '/api/experiments/assign', JSON.stringify({ site_id: s.site.tracking_id, aid }), {
      'content-type': 'text/plain',
      origin: 'https://evil.example',
    });
    expect(evil.status).toBe(403);
    expect((await s.request('POST', '/api/experiments/assign', 'not json', { 'content-type': 'text/plain' })).status).toBe(400);
  });
});
