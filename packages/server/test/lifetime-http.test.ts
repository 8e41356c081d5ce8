import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atRiskListSchema, lifetimeModelSchema, profileListSchema, profileSchema } from '@tidemark/core';
import { generateLifetimeWorld } from '@tidemark/testkit';
import { startCollectServer, type CollectServer } from './helpers/collect';

/**
 * Churn and lifetime value over HTTP on a real server (SQLite metadata, DuckDB events): the model before
 * any training, a training started with 202 and audited, the trained model, the at-risk list and the
 * profiles' lifetime fields (list and detail), the public reads, bad input and tenancy.
 */
let s: CollectServer;
const DAY = 86_400_000;
const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  s = await startCollectServer();
  // A site without revenue: the model counts active days. "Now" is today's start, the world's last event before it.
  const world = generateLifetimeWorld({ seed: 'http', siteId: s.site.id, nowMs: Math.floor(Date.now() / DAY) * DAY, people: 120 });
  await s.ctx.events.write({ events: world.events, raw: [], quarantine: [], drops: [] });
});
afterAll(async () => {
  await s?.cleanup();
});

describe('churn and lifetime value API', () => {
  const base = () => `/api/sites/${s.site.id}`;

  it('has no model before a training, and no lifetime fields on profiles', async () => {
    const r = await s.request('GET', `${base()}/models/churn`, undefined, bearer(s.keys.read));
    expect(lifetimeModelSchema.parse(r.body)).toEqual({
      status: 'none',
      trained_at: null,
      people: null,
      params: null,
      metrics: null,
      error: null,
    });
    const list = profileListSchema.parse((await s.request('GET', `${base()}/profiles?limit=5`, undefined, bearer(s.keys.read))).body);
    expect(list.profiles.every((p) => p.p_active_30d === null && p.churn_risk === false && p.expected_ltv === null)).toBe(true);
    const risk = atRiskListSchema.parse((await s.request('GET', `${base()}/churn/at-risk`, undefined, bearer(s.keys.read))).body);
    expect(risk.total).toBe(0);
  });

  it('trains in the background (202), audited, then serves the model, the at-risk people and the profiles’ fields', async () => {
    const started = await s.request('POST', `${base()}/models/churn/train`, {}, auth(s.keys.write));
    expect(started.status, started.text).toBe(202);
    expect(lifetimeModelSchema.parse(started.body).status).toBe('training');
    await s.ctx.lifetime.idle();
    const model = lifetimeModelSchema.parse(
      (await s.request('GET', `/v1/sites/${s.site.id}/models/churn`, undefined, bearer(s.keys.read))).body,
    );
    expect(model.status).toBe('ready');
    expect(model.params!.basis).toBe('active_days');
    expect(model.people).toBeGreaterThan(50);
    expect(model.metrics!.auc).toBeGreaterThan(0.7);
    const entries = await s.ctx.meta.auditLog.list(s.site.org_id, { action: 'churn_model', limit: 10 });
    expect(entries.map((e) => [e.action, e.site_id])).toEqual([['churn_model.training_started', s.site.id]]);

    const risk = atRiskListSchema.parse(
      (await s.request('GET', `/v1/sites/${s.site.id}/churn/at-risk?limit=3`, undefined, bearer(s.keys.read))).body,
    );
    expect(risk.total).toBeGreaterThan(0);
    expect(risk.people.length).toBe(Math.min(3, risk.total));
    expect(risk.ltv_distribution).toEqual([]);
    const first = risk.people[0]!;
    const profile = profileSchema.parse(
      (await s.request('GET', `${base()}/profiles/${encodeURIComponent(first.id)}`, undefined, bearer(s.keys.read))).body,
    );
    expect([profile.churn_risk, profile.p_active_30d, profile.expected_ltv]).toEqual([true, first.p_active_30d, null]);
    const list = profileListSchema.parse((await s.request('GET', `${base()}/profiles?limit=200`, undefined, bearer(s.keys.read))).body);
    const eligible = list.profiles.filter((p) => p.p_active_30d !== null);
    expect(eligible.length).toBeGreaterThan(50);
    expect(eligible.every((p) => p.id.startsWith('u') && p.churn_risk === p.p_active_30d! < model.params!.threshold)).toBe(true);
    // Anonymous visitors are not eligible.
    expect(list.profiles.filter((p) => p.id.startsWith('v')).every((p) => p.p_active_30d === null)).toBe(true);
  });

  it('refuses bad paging with a 400, a read key cannot train, and other organizations see nothing', async () => {
    const bad = await s.request('GET', `${base()}/churn/at-risk?limit=9999`, undefined, bearer(s.keys.read));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'validation_error' } });
    expect((await s.request('POST', `${base()}/models/churn/train`, {}, auth(s.keys.read))).status).toBe(403);
    expect((await s.request('GET', `${base()}/models/churn`, undefined, bearer(s.keys.otherOrg))).status).toBe(404);
    expect((await s.request('GET', `${base()}/churn/at-risk`, undefined, bearer(s.keys.otherOrg))).status).toBe(404);
    expect((await s.request('POST', `${base()}/models/churn/train`, {}, auth(s.keys.otherOrg))).status).toBe(404);
  });
});
