import { DEFAULT_SCORING_RULES, parseInput, scoringRulesSchema, type ScoringMode, type SiteScoring } from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { ProfileScorer, StatsSite } from '../stats';
import { modelScorer, type LeadModel } from './model';
import { rulesScorer } from './score';

/** A site's lead-scoring rules (meta `site_scoring`), its mode, and the scorer the profile read model applies. */
export class ScoringService {
  constructor(
    private readonly meta: Pick<MetaStore, 'siteScoring' | 'leadScoreModels'>,
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

  async mode(siteId: string): Promise<ScoringMode> {
    return (await this.meta.leadScoreModels.settings(siteId))?.mode === 'model' ? 'model' : 'rules';
  }

  /** The active model, when the site is in model mode and has one. */
  async activeModel(siteId: string): Promise<LeadModel | null> {
    if ((await this.mode(siteId)) !== 'model') return null;
    const row = await this.meta.leadScoreModels.active(siteId);
    return row?.model ? (JSON.parse(row.model) as LeadModel) : null;
  }

  /**
   * Scores at this moment: by the site's active model in model mode (its rules until one is active),
   * else by its rules and goals.
   */
  async scorer(site: StatsSite): Promise<ProfileScorer> {
    const model = await this.activeModel(site.id);
    if (model) return modelScorer(model, this.now());
    return rulesScorer((await this.settings(site.id)).rules, site.goals ?? [], this.now());
  }
}
