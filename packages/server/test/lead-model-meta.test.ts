import { expect, it } from 'vitest';
import { describeMetaEngines } from './helpers/meta-engines';

/** The lead-score models repository (migration 0026_lead_score_models) on every metadata engine. */
await describeMetaEngines('lead-model-meta', 'lead-score models', (h) => {
  it('keeps the mode and target per site, one active model, the newest ten, and goes with its site', async () => {
    const repo = h.meta.leadScoreModels;
    const org = await h.meta.orgs.create('Models Inc');
    const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
    const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
    expect(await repo.settings(site.id)).toBeNull();
    await repo.setTarget(site.id, 'g1', 14, 1000);
    expect(await repo.settings(site.id)).toEqual({ mode: 'rules', goal_id: 'g1', horizon_days: 14 });
    await repo.setMode(site.id, 'model', 2000);
    await repo.setMode(other.id, 'model', 2000);
    expect(await repo.settings(site.id)).toEqual({ mode: 'model', goal_id: 'g1', horizon_days: 14 });
    // Only a site with a target is retrained.
    expect(await repo.modelModeSites()).toEqual([{ site_id: site.id, goal_id: 'g1', horizon_days: 14 }]);

    const first = await repo.create(site.id, 'g1', 14, 10);
    await repo.update(site.id, first, { status: 'ready', model: '{"v":1}', metrics: '{"auc":0.9}', trained_at: 11 });
    await repo.activate(site.id, first);
    const ids = [first];
    for (let i = 0; i < 11; i++) ids.push(await repo.create(site.id, 'g1', 14, 20 + i));
    expect((await repo.latest(site.id))?.id).toBe(ids.at(-1));
    expect((await repo.active(site.id))?.id).toBe(first);
    // Another site's id changes nothing here.
    await repo.update(other.id, ids.at(-1)!, { status: 'failed' });
    expect((await repo.latest(site.id))?.status).toBe('queued');
    await repo.prune(site.id);
    const left = await h.meta.db.selectFrom('lead_score_models').select('id').where('site_id', '=', site.id).execute();
    // The newest ten and the active one (older than them).
    expect(new Set(left.map((r) => r.id))).toEqual(new Set([first, ...ids.slice(-10)]));
    expect(await repo.failUnfinished('interrupted')).toBe(10);
    expect((await repo.latest(site.id))?.error).toBe('interrupted');
    await h.meta.sites.delete(site.id);
    expect(await repo.latest(site.id)).toBeNull();
    expect(await repo.settings(site.id)).toBeNull();
    expect(await repo.settings(other.id)).toMatchObject({ mode: 'model' });
  });
});
