import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadModelStatusSchema, profileListSchema } from '@tidemark/core';
import { generateLeadTraffic } from '@tidemark/testkit';
import { startCollectServer, type CollectServer } from './helpers/collect';

/**
 * Lead-score models over HTTP: training answers 202 and runs in the background, the status and its
 * held-out metrics (dashboard and public API), the scoring mode, audit entries, validation and tenancy.
 */
let s: CollectServer;
let goalId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  s = await startCollectServer();
  goalId = (await s.ctx.meta.goals.create(s.site.id, { name: 'Signed up', type: 'event', match: { event_name: 'signup' } })).id;
  const end = Date.now() - 60_000;
  const { events } = generateLeadTraffic({ siteId: s.site.id, seed: 'leads-http', people: 1500, start: end - 100 * DAY, end });
  await s.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
}, 60_000);
afterAll(async () => {
  await s?.cleanup();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const base = () => `/api/sites/${s.site.id}/models/lead-score`;

describe('lead-score models over HTTP', () => {
  it('refuses bad training requests and modes with coded 400s', async () => {
    for (const body of [
      {},
      { goal_id: goalId },
      { goal_id: goalId, horizon_days: 91 },
      { goal_id: 'nope', horizon_days: 7 },
      { goal_id: goalId, horizon_days: 7, x: 1 },
    ]) {
      const r = await s.request('POST', `${base()}/train`, body, auth(s.keys.write));
      expect(r.status, r.text).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    const bad = await s.request('PUT', `/api/sites/${s.site.id}/scoring/mode`, { mode: 'magic' }, auth(s.keys.write));
    expect(bad.status).toBe(400);
    const none = await s.request('GET', base(), undefined, bearer(s.keys.read));
    expect(leadModelStatusSchema.parse(none.body)).toMatchObject({
      mode: 'rules',
      status: 'none',
      active: false,
      active_trained_at: null,
      metrics: null,
    });
  });

  it('trains in the background (202), then shows ready with held-out metrics, active, on both APIs', async () => {
    const r = await s.request('POST', `${base()}/train`, { goal_id: goalId, horizon_days: 14 }, auth(s.keys.write));
    expect(r.status, r.text).toBe(202);
    expect(leadModelStatusSchema.parse(r.body).status).toMatch(/queued|training/);
    const again = await s.request('POST', `${base()}/train`, { goal_id: goalId, horizon_days: 7 }, auth(s.keys.write));
    expect([again.status, again.body.error.code]).toEqual([409, 'training_in_progress']);
    await s.ctx.leadModels.idle();
    const got = leadModelStatusSchema.parse((await s.request('GET', base(), undefined, bearer(s.keys.read))).body);
    expect(got).toMatchObject({ status: 'ready', goal_id: goalId, horizon_days: 14, active: true, note: null });
    expect(got.metrics!.auc).toBeGreaterThan(got.metrics!.rules_auc);
    expect(got.active_trained_at).toBe(got.trained_at);
    expect(got.people!.validation).toBeGreaterThan(100);
    const v1 = await s.request('GET', `/v1/sites/${s.site.id}/models/lead-score`, undefined, bearer(s.keys.read));
    expect(v1.body).toEqual(got);
    const audit = await s.ctx.meta.auditLog.list(s.site.org_id, { action: 'lead_score_model', limit: 10 });
    expect(audit.map((e) => [e.action, e.details])).toEqual([
      ['lead_score_model.train_requested', expect.objectContaining({ goal_id: goalId, horizon_days: 14 })],
    ]);
  });

  it('switches the site to model mode: profiles carry the model score and its feature reasons', async () => {
    const put = await s.request('PUT', `/api/sites/${s.site.id}/scoring/mode`, { mode: 'model' }, auth(s.keys.write));
    expect([put.status, put.body.mode]).toEqual([200, 'model']);
    const audited = await s.ctx.meta.auditLog.list(s.site.org_id, { action: 'settings.updated', limit: 10 });
    expect(audited.map((e) => e.target)).toEqual([{ type: 'scoring_mode', id: s.site.id }]);
    const list = profileListSchema.parse(
      (await s.request('GET', `/api/sites/${s.site.id}/profiles?sort=score&limit=5`, undefined, bearer(s.keys.read))).body,
    );
    const names = new Set([
      'recency_days',
      'sessions',
      'pageviews',
      'engaged_minutes',
      'scroll_max',
      'forms',
      'form_starts',
      'days_active',
      'goals',
      'returning',
      'identified',
    ]);
    const reasons = list.profiles.flatMap((p) => p.score_reasons.map((x) => x.rule));
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) expect(names.has(r) || /^(key_page|channel|device):/.test(r)).toBe(true);
  });

  it('retrains the sites in model mode (the daily job) with their last goal and horizon', async () => {
    const before = leadModelStatusSchema.parse((await s.request('GET', base(), undefined, bearer(s.keys.read))).body);
    expect(await s.ctx.leadModels.retrainModelSites()).toBe(1);
    const after = leadModelStatusSchema.parse((await s.request('GET', base(), undefined, bearer(s.keys.read))).body);
    expect(after).toMatchObject({ status: 'ready', goal_id: goalId, horizon_days: 14, mode: 'model' });
    expect(after.requested_at!).toBeGreaterThan(before.requested_at!);
    // Back to the rules: the job leaves the site alone.
    await s.request('PUT', `/api/sites/${s.site.id}/scoring/mode`, { mode: 'rules' }, auth(s.keys.write));
    expect(await s.ctx.leadModels.retrainModelSites()).toBe(0);
  });

  it('is the site’s only: other organizations and read keys cannot train', async () => {
    expect((await s.request('GET', base(), undefined, bearer(s.keys.otherOrg))).status).toBe(404);
    expect((await s.request('POST', `${base()}/train`, { goal_id: goalId, horizon_days: 7 }, auth(s.keys.otherOrg))).status).toBe(404);
    expect((await s.request('POST', `${base()}/train`, { goal_id: goalId, horizon_days: 7 }, auth(s.keys.read))).status).toBe(403);
    expect((await s.request('GET', base())).status).toBe(401);
  });
});
