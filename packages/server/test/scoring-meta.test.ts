import { expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES } from '@tidemark/core';
import { ScoringService } from '../src/scoring';
import { describeMetaEngines } from './helpers/meta-engines';

/** The lead-scoring rules repository (migration 0025_site_scoring) through ScoringService, on every metadata engine. */
await describeMetaEngines('scoring-meta', 'scoring rules', (h) => {
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
