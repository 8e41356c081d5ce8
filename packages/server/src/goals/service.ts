import {
  badRequest,
  goalInputSchema,
  goalPatchSchema,
  notFound,
  parseInput,
  parseQuery,
  type Goal,
  type GoalDefinition,
  type GoalInput,
  type GoalPreview,
  type GoalStats,
} from '@tidemark/core';
import type { MetaStore, SiteRecord } from '../meta';
import { checkGoalDefinition, MAX_GOALS_PER_SITE, parseDashboardParams, type StatsService, type StatsSite } from '../stats';

/**
 * A site's goals: definitions in the metadata store (meta/repos/goals.ts), numbers from the stats engine,
 * which is handed the site's definitions with every query (StatsSite.goals). Callers check access to the
 * site first; every lookup here is scoped to that site, so another site's goal is simply not found.
 */

const GOAL_METRICS = 'conversions,converting_visitors,conversion_rate';
const DEFAULT_GOAL_DIMENSIONS = 'source,page';

const definition = (g: Goal): GoalDefinition => ({ id: g.id, name: g.name, type: g.type, match: g.match }) as GoalDefinition;

export class GoalService {
  constructor(
    private readonly meta: MetaStore,
    private readonly stats: StatsService,
  ) {}

  /** The site as the stats engine needs it: with its goal definitions. */
  async statsSite(site: Pick<SiteRecord, 'id' | 'timezone'>): Promise<StatsSite> {
    const goals = await this.meta.goals.list(site.id);
    return { id: site.id, timezone: site.timezone, goals: goals.map(definition) };
  }

  list(siteId: string): Promise<Goal[]> {
    return this.meta.goals.list(siteId);
  }

  async get(siteId: string, goalId: string): Promise<Goal> {
    const goal = typeof goalId === 'string' && goalId.length <= 64 ? await this.meta.goals.get(siteId, goalId) : null;
    if (!goal) throw notFound('Goal');
    return goal;
  }

  async create(siteId: string, body: unknown): Promise<Goal> {
    const input = validGoal(body);
    if ((await this.meta.goals.count(siteId)) >= MAX_GOALS_PER_SITE)
      throw badRequest('too_many_goals', `A site has at most ${MAX_GOALS_PER_SITE} goals`);
    return this.meta.goals.create(siteId, input);
  }

  async update(siteId: string, goalId: string, body: unknown): Promise<Goal> {
    const current = await this.get(siteId, goalId);
    const patch = parseInput(goalPatchSchema, body ?? {});
    const merged = validGoal({
      name: patch.name ?? current.name,
      type: patch.type ?? current.type,
      match: patch.match ?? current.match,
      value: patch.value === undefined ? current.value : patch.value,
    });
    const updated = await this.meta.goals.update(siteId, goalId, merged);
    if (!updated) throw notFound('Goal');
    return updated;
  }

  async delete(siteId: string, goalId: string): Promise<void> {
    if (!(await this.meta.goals.delete(siteId, goalId))) throw notFound('Goal');
  }

  /** `GET …/goals/{goal_id}/stats`: the stats parameters, answered for the goal's conversions. */
  async goalStats(site: SiteRecord, goalId: string, params: unknown): Promise<GoalStats> {
    const goal = await this.get(site.id, goalId);
    const raw = { ...((params ?? {}) as Record<string, unknown>) };
    // The goal's own metrics; its filter added to the caller's (checked by the same parser first).
    const filters = raw.filters === undefined ? [] : parseDashboardParams({ filters: raw.filters }).filters;
    raw.metrics = GOAL_METRICS;
    raw.dimensions ??= DEFAULT_GOAL_DIMENSIONS;
    raw.filters = JSON.stringify([...filters, ['is', 'goal', [goal.id]]]);
    const answer = await this.stats.dashboard(await this.statsSite(site), raw);
    const m = answer.metrics;
    return {
      goal,
      period: answer.period,
      metrics: { conversions: m.conversions, converting_visitors: m.converting_visitors, conversion_rate: m.conversion_rate },
      timeseries: answer.timeseries,
      dimensions: answer.dimensions,
    };
  }

  /** What an unsaved definition would have matched over the last 30 days (settings' live preview). */
  async preview(site: SiteRecord, body: unknown): Promise<GoalPreview> {
    const input = validGoal(body);
    const probe = { id: 'preview', name: input.name, type: input.type, match: input.match } as GoalDefinition;
    const query = parseQuery({ site_id: site.id, date_range: 'last_30_days', metrics: ['conversions', 'converting_visitors'] });
    const r = await this.stats.query(query, { id: site.id, timezone: site.timezone, goals: [probe] });
    const row = r.rows[0] ?? {};
    return {
      conversions: Number(row.conversions ?? 0),
      converting_visitors: Number(row.converting_visitors ?? 0),
      period: r.date_range,
    };
  }
}

/** A goal body: the schema, then what only RE2 can judge (path regexes). */
function validGoal(body: unknown): GoalInput {
  const input = parseInput(goalInputSchema, body ?? {});
  checkGoalDefinition(input);
  return input;
}
