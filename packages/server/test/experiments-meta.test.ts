import { expect, it } from 'vitest';
import type { ExperimentInput } from '@tidemark/core';
import { describeMetaEngines } from './helpers/meta-engines';

const input = (key: string): ExperimentInput => ({
  key,
  name: `Experiment ${key}`,
  variants: [
    { key: 'control', weight: 1 },
    { key: 'b', weight: 3 },
  ],
  metric: { type: 'revenue' },
});

/** The experiments repository (migration 0024_experiments), unchanged on every metadata engine. */
await describeMetaEngines('experiments-meta', 'experiments repository', (h) => {
  it('stores experiments scoped to their site, keys unique per site, transitions only from the expected status', async () => {
    const org = await h.meta.orgs.create('Experiments Inc');
    const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
    const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
    const a = await h.meta.experiments.create(site.id, input('hero'));
    expect(a).toMatchObject({
      key: 'hero',
      status: 'draft',
      winner: null,
      started_at: null,
      variants: input('hero').variants,
      metric: { type: 'revenue' },
    });
    await expect(h.meta.experiments.create(site.id, input('hero'))).rejects.toThrow();
    // The same key on another site is another experiment.
    const onOther = await h.meta.experiments.create(other.id, input('hero'));
    expect((await h.meta.experiments.byKey(other.id, 'hero'))!.id).toBe(onOther.id);
    expect(await h.meta.experiments.get(other.id, a.id)).toBeNull();
    expect(await h.meta.experiments.delete(other.id, a.id)).toBe(false);

    const startedAt = Date.parse('2024-05-01T10:00:00Z');
    const running = await h.meta.experiments.update(site.id, a.id, 'draft', { status: 'running', started_at: startedAt });
    expect(running).toMatchObject({ status: 'running', started_at: '2024-05-01T10:00:00.000Z' });
    // A second start (still expecting a draft) changes nothing.
    expect(await h.meta.experiments.update(site.id, a.id, 'draft', { status: 'running', started_at: startedAt + 1 })).toBeNull();
    const stopped = await h.meta.experiments.update(site.id, a.id, 'running', {
      status: 'stopped',
      stopped_at: startedAt + 60_000,
      winner: 'b',
    });
    expect(stopped).toMatchObject({ status: 'stopped', winner: 'b', stopped_at: '2024-05-01T10:01:00.000Z' });
    await h.meta.experiments.create(site.id, input('pricing'));
    expect(await h.meta.experiments.count(site.id)).toBe(2);
    expect((await h.meta.experiments.list(site.id)).map((e) => e.key).sort()).toEqual(['hero', 'pricing']);

    await h.meta.sites.delete(site.id);
    expect(await h.meta.experiments.list(site.id)).toEqual([]);
    expect(await h.meta.experiments.count(other.id)).toBe(1);
  });
});
