import { expect, it } from 'vitest';
import { describeMetaEngines } from './helpers/meta-engines';

/** The churn models' repository (migration 0028_lifetime_models) on every metadata engine. */
await describeMetaEngines('lifetime-meta', 'lifetime models', (h) => {
  it('keeps one model per site, its last parameters through a new training and a failure, deleted with its site', async () => {
    const org = await h.meta.orgs.create('Lifetime Inc');
    const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
    const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
    const repo = h.meta.lifetimeModels;
    expect(await repo.get(site.id)).toBeNull();
    await repo.markTraining(site.id, 1000);
    expect(await repo.get(site.id)).toMatchObject({ status: 'training', params: null, trained_at: null, updated_at: 1000 });
    await repo.finish(site.id, { status: 'ready', params: '{"p":1}', metrics: '{"m":2}', people: 42, error: null }, 2000);
    const ready = await repo.get(site.id);
    expect(ready).toMatchObject({ status: 'ready', params: '{"p":1}', metrics: '{"m":2}', error: null });
    expect([Number(ready!.people), Number(ready!.trained_at)]).toEqual([42, 2000]);
    // A new training and its failure keep the parameters in use.
    await repo.markTraining(site.id, 3000);
    await repo.finish(site.id, { status: 'failed', people: null, error: 'engine down' }, 4000);
    const failed = await repo.get(site.id);
    expect(failed).toMatchObject({ status: 'failed', params: '{"p":1}', metrics: '{"m":2}', error: 'engine down' });
    expect([Number(failed!.people), Number(failed!.trained_at), Number(failed!.updated_at)]).toEqual([42, 2000, 4000]);
    await repo.finish(other.id, { status: 'insufficient_data', people: 3, error: 'too few' }, 5000);
    expect((await repo.listTrained()).map((r) => r.site_id).sort()).toEqual([site.id, other.id].sort());
    // Another process sees the same rows.
    expect((await (await h.reopen()).lifetimeModels.get(other.id))?.status).toBe('insufficient_data');
    await h.meta.sites.delete(site.id);
    expect(await repo.get(site.id)).toBeNull();
    expect(await repo.get(other.id)).not.toBeNull();
  });
});
