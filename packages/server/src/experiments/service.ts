import {
  badRequest,
  conflict,
  experimentInputSchema,
  experimentPatchSchema,
  experimentWinnerSchema,
  notFound,
  parseInput,
  type Experiment,
  type ExperimentInput,
  type ExperimentResults,
  type ExperimentMetric,
  type GoalDefinition,
} from '@tidemark/core';
import { MAX_EXPERIMENTS_PER_SITE, type MetaStore } from '../meta';
import type { StatsService } from '../stats';
import { experimentResults } from './results';

/**
 * A site's experiments: definitions and their lifecycle (draft → running → stopped, a winner declared
 * at or after the stop). Callers check access to the site first; every lookup here is scoped to that site,
 * so another site's experiment is simply not found.
 */
export class ExperimentService {
  constructor(
    private readonly meta: MetaStore,
    private readonly stats: Pick<StatsService, 'experimentCounts'>,
    private readonly now: () => number = Date.now,
  ) {}

  list(siteId: string): Promise<Experiment[]> {
    return this.meta.experiments.list(siteId);
  }

  async get(siteId: string, id: string): Promise<Experiment> {
    const e = typeof id === 'string' && id.length <= 64 ? await this.meta.experiments.get(siteId, id) : null;
    if (!e) throw notFound('Experiment');
    return e;
  }

  async create(siteId: string, body: unknown): Promise<Experiment> {
    const input = parseInput(experimentInputSchema, body ?? {});
    await this.checkMetric(siteId, input.metric);
    if ((await this.meta.experiments.count(siteId)) >= MAX_EXPERIMENTS_PER_SITE)
      throw badRequest('too_many_experiments', `A site has at most ${MAX_EXPERIMENTS_PER_SITE} experiments`);
    if (await this.meta.experiments.byKey(siteId, input.key))
      throw conflict('experiment_key_taken', 'Another experiment of this site has this key');
    try {
      return await this.meta.experiments.create(siteId, input);
    } catch (err) {
      // Two creations with one key at once: the unique index decides.
      if (await this.meta.experiments.byKey(siteId, input.key))
        throw conflict('experiment_key_taken', 'Another experiment of this site has this key');
      throw err;
    }
  }

  /** Name any time; variants and metric only while a draft (changing them later would mix two experiments). */
  async update(siteId: string, id: string, body: unknown): Promise<Experiment> {
    const current = await this.get(siteId, id);
    const patch = parseInput(experimentPatchSchema, body ?? {});
    if ((patch.variants || patch.metric) && current.status !== 'draft')
      throw conflict('experiment_not_draft', 'Variants and metric can change only before the experiment starts');
    if (patch.metric) await this.checkMetric(siteId, patch.metric);
    return this.transition(siteId, current, current.status, patch);
  }

  async start(siteId: string, id: string): Promise<Experiment> {
    const current = await this.get(siteId, id);
    if (current.status !== 'draft') throw conflict('experiment_not_draft', 'Only a draft can start');
    await this.checkMetric(siteId, current.metric);
    return this.transition(siteId, current, 'draft', { status: 'running', started_at: this.now() });
  }

  async stop(siteId: string, id: string): Promise<Experiment> {
    const current = await this.get(siteId, id);
    if (current.status !== 'running') throw conflict('experiment_not_running', 'Only a running experiment can stop');
    return this.transition(siteId, current, 'running', { status: 'stopped', stopped_at: this.now() });
  }

  /** Declares the winner: a running experiment stops with it; a stopped one gets (or changes) it. */
  async declareWinner(siteId: string, id: string, body: unknown): Promise<Experiment> {
    const current = await this.get(siteId, id);
    const { variant } = parseInput(experimentWinnerSchema, body ?? {});
    if (!current.variants.some((v) => v.key === variant)) throw badRequest('invalid_variant', 'variant: not a variant of this experiment');
    if (current.status === 'draft') throw conflict('experiment_not_started', 'A draft has no winner yet');
    const change =
      current.status === 'running' ? { status: 'stopped' as const, stopped_at: this.now(), winner: variant } : { winner: variant };
    return this.transition(siteId, current, current.status, change);
  }

  /**
   * Results per variant from the start to the stop (or now): people exposed, converters at or after their
   * first exposure, and the comparisons with the control (results.ts). A draft has no exposures yet.
   */
  async results(siteId: string, id: string): Promise<ExperimentResults> {
    const e = await this.get(siteId, id);
    const goal = await this.goalOf(siteId, e.metric);
    const startMs = e.started_at ? Date.parse(e.started_at) : null;
    const endMs = e.stopped_at ? Date.parse(e.stopped_at) + 1 : this.now();
    const counts = startMs === null ? [] : await this.stats.experimentCounts({ siteId, key: e.key, goal, startMs, endMs });
    return experimentResults(e, goal, counts);
  }

  async delete(siteId: string, id: string): Promise<void> {
    if (!(await this.meta.experiments.delete(siteId, id))) throw notFound('Experiment');
  }

  /** The goal an experiment is judged on (null for revenue); 400 when gone or not event-level. */
  async goalOf(siteId: string, metric: ExperimentMetric): Promise<GoalDefinition | null> {
    if (metric.type === 'revenue') return null;
    const goal = await this.meta.goals.get(siteId, metric.goal_id);
    if (!goal) throw badRequest('invalid_goal', 'metric.goal_id: not a goal of this site');
    if (goal.type !== 'destination' && goal.type !== 'event')
      throw badRequest(
        'invalid_goal',
        'metric.goal_id: experiments judge destination and event goals (duration and page-count goals belong to one session)',
      );
    return { id: goal.id, name: goal.name, type: goal.type, match: goal.match } as GoalDefinition;
  }

  private async checkMetric(siteId: string, metric: ExperimentInput['metric']): Promise<void> {
    await this.goalOf(siteId, metric);
  }

  private async transition(
    siteId: string,
    current: Experiment,
    from: Experiment['status'],
    change: Parameters<MetaStore['experiments']['update']>[3],
  ): Promise<Experiment> {
    const updated = await this.meta.experiments.update(siteId, current.id, from, change, this.now());
    if (!updated) throw conflict('experiment_changed', 'The experiment changed meanwhile; reload it');
    return updated;
  }
}
