import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestMeta, postgresAvailable, type MetaEngineHandle, type MetaEngineName } from './helpers/meta-engines';

const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[segments-meta] PostgreSQL suite skipped: ${pgStatus.reason}`);

const engines: Array<{ engine: MetaEngineName; run: boolean }> = [
  { engine: 'sqlite', run: true },
  { engine: 'postgres', run: pgStatus.ok },
];

/** The segment models repository (migration 0027_segment_models) on every metadata engine. */
for (const { engine, run } of engines) {
  describe.skipIf(!run)(`segment models on ${engine}${run ? '' : ` (${pgStatus.reason})`}`, () => {
    let h: MetaEngineHandle;
    beforeAll(async () => {
      h = await openTestMeta(engine);
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('keeps one model per site through training, failure and the labels watermark; deleted with its site', async () => {
      const org = await h.meta.orgs.create('Segments Inc');
      const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
      const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
      const repo = h.meta.segmentModels;
      expect(await repo.get(site.id)).toBeNull();
      expect(await repo.ensure(site.id, 1)).toMatchObject({ status: 'untrained', model: null, people: 0, labels_watermark: null });
      await repo.setLabelsWatermark(site.id, 50, null);
      expect((await repo.get(site.id))!.labels_watermark).toBe(50);
      await repo.markTraining(site.id, 2);
      expect((await repo.get(site.id))!.status).toBe('training');
      await repo.saveModel(site.id, { model: '{"a":1}', k: 9, silhouette: 0.4321, people: 120, trainedAt: 3 });
      expect(await repo.get(site.id)).toMatchObject({ status: 'trained', model: '{"a":1}', k: 9, people: 120, trained_at: 3, error: null });
      expect((await repo.get(site.id))!.silhouette).toBeCloseTo(0.4321, 6);
      // A watermark written for an older model is not kept once another model was trained.
      await repo.setLabelsWatermark(site.id, 70, 2);
      expect((await repo.get(site.id))!.labels_watermark).toBe(50);
      await repo.setLabelsWatermark(site.id, 80, 3);
      expect((await repo.get(site.id))!.labels_watermark).toBe(80);
      await repo.markTraining(site.id, 4);
      await repo.markFailed(site.id, 'too few people', 5);
      expect(await repo.get(site.id)).toMatchObject({ status: 'failed', error: 'too few people', model: '{"a":1}', k: 9 });
      await repo.ensure(other.id, 6);
      expect(await repo.trainedSites()).toEqual([site.id]);
      await h.meta.sites.delete(site.id);
      expect(await repo.get(site.id)).toBeNull();
      expect(await repo.get(other.id)).not.toBeNull();
    });
  });
}
