import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES } from '@tidemark/core';
import { ScoringService } from '../src/scoring';
import { openTestMeta, postgresAvailable, type MetaEngineHandle, type MetaEngineName } from './helpers/meta-engines';

const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[scoring-meta] PostgreSQL suite skipped: ${pgStatus.reason}`);

const engines: Array<{ engine: MetaEngineName; run: boolean }> = [
  { engine: 'sqlite', run: true },
  { engine: 'postgres', run: pgStatus.ok },
];

/** The lead-scoring rules repository (migration 0025_site_scoring) through ScoringService, on every metadata engine. */
for (const { engine, run } of engines) {
  describe.skipIf(!run)(`scoring rules on ${engine}${run ? '' : ` (${pgStatus.reason})`}`, () => {
    let h: MetaEngineHandle;
    beforeAll(async () => {
      h = await openTestMeta(engine);
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('keeps one rule set per site, replaced whole, deleted with its site', async () => {
      const org = await h.meta.orgs.create('Scoring Inc');
      const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
      const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
      const scoring = new ScoringService(h.meta);
      expect(await scoring.settings(site.id)).toEqual({ rules: DEFAULT_SCORING_RULES, is_default: true });
      const mine = { ...DEFAULT_SCORING_RULES, identified: { points: 40 }, key_pages: [] };
      await scoring.update(site.id, mine);
      await scoring.update(site.id, { ...mine, returning: { points: -5 } });
      expect(await scoring.settings(site.id)).toEqual({ rules: { ...mine, returning: { points: -5 } }, is_default: false });
      expect((await scoring.settings(other.id)).is_default).toBe(true);
      await expect(scoring.update(site.id, { ...mine, returning: { points: 'many' } })).rejects.toMatchObject({ status: 400 });
      await h.meta.sites.delete(site.id);
      expect(await h.meta.siteScoring.get(site.id)).toBeNull();
      expect(await h.meta.siteScoring.get(other.id)).toBeNull();
    });
  });
}
