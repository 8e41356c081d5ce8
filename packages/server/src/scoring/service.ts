import { DEFAULT_SCORING_RULES, parseInput, scoringRulesSchema, type SiteScoring } from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { ProfileScorer, StatsSite } from '../stats';
import { rulesScorer } from './score';

/** A site's lead-scoring rules (meta `site_scoring`) and the scorer the profile read model applies. */
export class ScoringService {
  constructor(
    private readonly meta: Pick<MetaStore, 'siteScoring'>,
    private readonly now: () => number = Date.now,
  ) {}

  async settings(siteId: string): Promise<SiteScoring> {
    const saved = await this.meta.siteScoring.get(siteId);
    const parsed = saved === null ? null : scoringRulesSchema.safeParse(JSON.parse(saved));
    return parsed?.success ? { rules: parsed.data, is_default: false } : { rules: DEFAULT_SCORING_RULES, is_default: true };
  }

  /** Replaces the rules (the whole set: what the editor shows is what is saved). */
  async update(siteId: string, body: unknown): Promise<SiteScoring> {
    const rules = parseInput(scoringRulesSchema, body ?? {});
    await this.meta.siteScoring.set(siteId, JSON.stringify(rules), this.now());
    return { rules, is_default: false };
  }

  /** Scores at this moment, by the site's rules and goals. */
  async scorer(site: StatsSite): Promise<ProfileScorer> {
    return rulesScorer((await this.settings(site.id)).rules, site.goals ?? [], this.now());
  }
}
