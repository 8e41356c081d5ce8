import {
  badRequest,
  conflict,
  leadScoreTrainSchema,
  parseInput,
  scoringModeSchema,
  type GoalDefinition,
  type LeadModelStatus,
  type ScoringMode,
} from '@tidemark/core';
import type { LeadScoreModelRow, MetaStore } from '../meta';
import { repeatJob, type JobRunner } from '../schedule';
import type { StatsService, StatsSite } from '../stats';
import { trainLeadModel, type TrainingSet } from './model';
import { rulesScorer, scoredGoals } from './score';
import { ScoringService } from './service';

const DAY_MS = 86_400_000;
/** A training queued or running for longer than this was left by a stopped process. */
const ABANDONED_MS = 6 * 3_600_000;

export interface LeadModelDeps {
  meta: MetaStore;
  stats: Pick<StatsService, 'leadExamples'>;
  /** The site as the stats engine needs it (with its goals), for the retraining job. */
  statsSite: (siteId: string) => Promise<StatsSite | null>;
  now?: () => number;
  onError?: (err: unknown) => void;
  /** Earlier cutoffs the training people are taken at, one horizon apart (default 3). */
  trainCutoffs?: number;
}

const json = <T>(text: string | null): T | null => (text ? (JSON.parse(text) as T) : null);

/**
 * Lead-score models (docs/lead-scoring.md, model mode): training in the background, one at a time per
 * site, on the site's own history; the trained model becomes active only when it beats the rules on
 * the held-out people.
 */
export class LeadModelService {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly scoring: ScoringService;
  private readonly now: () => number;

  constructor(private readonly deps: LeadModelDeps) {
    this.now = deps.now ?? Date.now;
    this.scoring = new ScoringService(deps.meta, this.now);
  }

  async status(siteId: string): Promise<LeadModelStatus> {
    const [mode, settings, row, active] = await Promise.all([
      this.scoring.mode(siteId),
      this.deps.meta.leadScoreModels.settings(siteId),
      this.deps.meta.leadScoreModels.latest(siteId),
      this.deps.meta.leadScoreModels.active(siteId),
    ]);
    return statusOf(
      mode,
      settings,
      row,
      active?.trained_at === null || active?.trained_at === undefined ? null : Number(active.trained_at),
    );
  }

  async setMode(siteId: string, body: unknown): Promise<LeadModelStatus> {
    const { mode } = parseInput(scoringModeSchema, body ?? {});
    await this.deps.meta.leadScoreModels.setMode(siteId, mode, this.now());
    return this.status(siteId);
  }

  /** Queues a training of the site's model (the goal must be a destination or event goal of the site). */
  async request(site: StatsSite, body: unknown): Promise<LeadModelStatus> {
    const { goal_id, horizon_days } = parseInput(leadScoreTrainSchema, body ?? {});
    const goal = (site.goals ?? []).find((g) => g.id === goal_id);
    if (!goal) throw badRequest('invalid_goal_id', 'goal_id: not a goal of this site');
    if (!scoredGoals([goal]).length) throw badRequest('invalid_goal_id', 'goal_id: a destination or event goal (a person completes it)');
    const repo = this.deps.meta.leadScoreModels;
    // One training at a time per site, whichever node runs it; a row left behind by a stopped node
    // stops counting after a while.
    const latest = await repo.latest(site.id);
    if (latest && (latest.status === 'queued' || latest.status === 'training') && this.now() - Number(latest.requested_at) < ABANDONED_MS)
      throw conflict('training_in_progress', 'A training of this site’s model is queued or running; try again when it has finished');
    await repo.setTarget(site.id, goal_id, horizon_days, this.now());
    const id = await repo.create(site.id, goal_id, horizon_days, this.now());
    const prev = this.chains.get(site.id) ?? Promise.resolve();
    const next = prev.then(() => this.train(site, id, goal, horizon_days)).catch((err) => this.deps.onError?.(err));
    this.chains.set(site.id, next);
    void next.finally(() => {
      if (this.chains.get(site.id) === next) this.chains.delete(site.id);
    });
    return this.status(site.id);
  }

  /** Resolves when every queued training has finished. */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  /** Retrains every site in model mode (the daily job); trainings run one after another. */
  async retrainModelSites(): Promise<number> {
    const due = await this.deps.meta.leadScoreModels.modelModeSites();
    let n = 0;
    for (const d of due) {
      const site = await this.deps.statsSite(d.site_id);
      if (!site) continue;
      try {
        await this.request(site, { goal_id: d.goal_id, horizon_days: d.horizon_days });
        n++;
      } catch (err) {
        this.deps.onError?.(err);
      }
      await this.idle();
    }
    return n;
  }

  private async train(site: StatsSite, id: string, goal: GoalDefinition, horizonDays: number): Promise<void> {
    const repo = this.deps.meta.leadScoreModels;
    try {
      await repo.update(site.id, id, { status: 'training' });
      const now = this.now();
      const h = horizonDays * DAY_MS;
      // The held-out people: the latest cutoff whose horizon has passed; training cutoffs end before it,
      // so no training label looks past the held-out people's features.
      const validationCutoff = now - h;
      const cutoffs = Array.from({ length: this.deps.trainCutoffs ?? 3 }, (_, k) => validationCutoff - (k + 1) * h).reverse();
      const { rules } = await this.scoring.settings(site.id);
      const goals = scoredGoals(site.goals ?? []);
      const reader = rulesScorer(rules, goals, now);
      const examples = (cutoff: number) => this.deps.stats.leadExamples(site, reader, goal, cutoff, h);
      const set: TrainingSet = {
        train: await Promise.all(cutoffs.map(async (cutoff) => ({ cutoff, examples: await examples(cutoff) }))),
        validation: { cutoff: validationCutoff, examples: await examples(validationCutoff) },
      };
      const held = set.validation.examples;
      const heldPos = held.filter((e) => e.label).length;
      if (heldPos === 0 || heldPos === held.length)
        throw new Error(`the held-out people (cutoff ${new Date(validationCutoff).toISOString()}) need both converters and others`);
      const trained = trainLeadModel(set, { goal_id: goal.id, horizon_days: horizonDays, rules, goals });
      const { auc, rules_auc } = trained.metrics;
      const beats = auc > rules_auc;
      await repo.update(site.id, id, {
        status: 'ready',
        error: beats ? null : `not activated: held-out AUC ${auc.toFixed(3)} does not beat the rules' ${rules_auc.toFixed(3)}`,
        metrics: JSON.stringify(trained.metrics),
        model: JSON.stringify(trained.model),
        people: JSON.stringify(trained.people),
        trained_at: this.now(),
      });
      if (beats) await repo.activate(site.id, id);
      else await repo.prune(site.id);
    } catch (err) {
      await repo.update(site.id, id, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function statusOf(
  mode: ScoringMode,
  settings: { goal_id: string | null; horizon_days: number | null } | null,
  row: LeadScoreModelRow | null,
  activeTrainedAt: number | null,
): LeadModelStatus {
  const status = (['queued', 'training', 'ready', 'failed'] as const).find((s) => s === row?.status) ?? 'none';
  return {
    mode,
    status,
    goal_id: row?.goal_id ?? settings?.goal_id ?? null,
    horizon_days: row ? Number(row.horizon_days) : (settings?.horizon_days ?? null),
    active: Number(row?.active ?? 0) === 1,
    active_trained_at: activeTrainedAt,
    note: row?.error ?? null,
    requested_at: row ? Number(row.requested_at) : null,
    trained_at: row?.trained_at === null || row?.trained_at === undefined ? null : Number(row.trained_at),
    people: json(row?.people ?? null),
    metrics: json(row?.metrics ?? null),
  };
}

/** Retrains the models of sites in model mode once a day (the jobs role; the leader at scale). */
export function scheduleLeadModelRetraining(
  models: LeadModelService,
  opts: { isLeader?: () => boolean; onError: (err: unknown) => void; track?: JobRunner; everyMs?: number },
): () => void {
  return repeatJob({
    name: 'lead-score-models',
    run: () => models.retrainModelSites(),
    firstMs: 10 * 60_000,
    everyMs: opts.everyMs ?? DAY_MS,
    isLeader: opts.isLeader,
    track: opts.track,
    onError: opts.onError,
  });
}
