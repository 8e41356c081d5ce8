import {
  badRequest,
  type GoalDefinition,
  isFilterList,
  type Dimension,
  type FilterLeaf,
  type FilterNode,
  type Metric,
  type Query,
  type QueryInterval,
  type AttributionModelName,
} from '@tidemark/core';
import { bucketKeys, previousRange, resolvePeriod, type DateRange } from './period';
import { goalIndexes } from './goals';
import { checkRegex } from './regex';
import { dimensionDef, METRIC_DEFS, traitKeysOf, type Level } from './registry';
import { labelsUsed } from './labels';

/**
 * Stage 1 (build/validate): a parsed Query plus its context becomes a ResolvedQuery — UTC range,
 * classified filters, checked ordering. Every problem is a coded 400; nothing falls back silently.
 */

export interface OrderTerm {
  kind: 'metric' | 'dimension' | 'date';
  name: string;
  dir: 'asc' | 'desc';
}

export interface ResolvedQuery {
  siteId: string;
  timezone: string;
  range: DateRange;
  /** The previous period of equal length when comparison was asked for. */
  compareRange: DateRange | null;
  metrics: Metric[];
  dimensions: Dimension[];
  /** Top-level conjuncts that only involve event-level dimensions (they select events). */
  eventFilters: FilterNode[];
  /** Top-level conjuncts that only involve session-level dimensions (they select sessions). */
  sessionFilters: FilterNode[];
  interval: QueryInterval | null;
  /** Explicit order only; stage 2 adds defaults and tie-breakers. */
  orderBy: OrderTerm[];
  limit: number;
  offset: number;
  /** The site's goals (goals.ts); goal filters and the goal dimension refer to them by index. */
  goals: readonly GoalDefinition[];
  /** Indexes of the goals whose completion the statement computes (none when it involves no goal). */
  goalColumns: number[];
  /** Completing any of these goals makes a session a conversion: the goal filter's, else every goal. */
  conversionGoals: number[];
  /**
   * conversion_rate's denominator when the query has goal conditions (goal filter or dimension): the
   * visitors of the same query without them, run beside it (run.ts). Null when it comes from the
   * statement itself (no goal conditions) or no conversion_rate is asked for.
   */
  rateBase: ResolvedQuery | null;
  /** How revenue metrics credit payments to sessions (query `attribution_model`, default last_touch). */
  attributionModel: AttributionModelName;
  /** `unit=people`: visitor ids are read as people (people.ts), so visitor-counting metrics count people. */
  people: boolean;
}

export interface BuildContext {
  /** Used when the query names no timezone (the site's). */
  defaultTimezone: string;
  nowMs: number;
  /** The site's goal definitions (site metadata); a query naming another goal is a 400. */
  goals?: readonly GoalDefinition[];
}

const GOAL_METRICS: readonly Metric[] = ['conversions', 'converting_visitors', 'conversion_rate'];

export function build(query: Query, ctx: BuildContext): ResolvedQuery {
  const timezone = query.timezone ?? ctx.defaultTimezone;
  const range = resolvePeriod(query.date_range, timezone, ctx.nowMs);
  const compare = query.compare === true || query.compare === 'previous_period';
  const interval = query.interval ?? null;
  if (interval) bucketKeys(range, interval, timezone); // refuses ranges with too many buckets

  const metrics = [...new Set(query.metrics)];
  const dimensions = [...new Set(query.dimensions)];
  if (dimensions.length !== query.dimensions.length) throw badRequest('invalid_dimension', 'dimensions: listed twice');

  const goals = ctx.goals ?? [];
  const trees = query.filters === undefined ? [] : isFilterList(query.filters) ? query.filters : [query.filters];
  const eventFilters: FilterNode[] = [];
  const sessionFilters: FilterNode[] = [];
  for (const conjunct of trees.flatMap(splitAnd)) {
    checkLeaves(conjunct, goals);
    const levels = levelsOf(conjunct);
    if (levels.size > 1) {
      throw badRequest(
        'mixed_filter_levels',
        'filters: an "or"/"not" may not combine event-level dimensions (page, hostname, event_name, props:*) with session-level ones (entry/exit page, source, country, browser, …); combine them with "and" instead',
      );
    }
    (levels.has('session') ? sessionFilters : eventFilters).push(conjunct);
  }

  const orderBy: OrderTerm[] = (query.order_by ?? []).map(([name, dir]) => {
    if ((metrics as string[]).includes(name)) return { kind: 'metric', name, dir };
    if ((dimensions as string[]).includes(name)) return { kind: 'dimension', name, dir };
    if (name === 'date' && interval) return { kind: 'date', name, dir };
    throw badRequest('invalid_order_by', 'order_by: may only name requested metrics, dimensions, or "date" with an interval');
  });

  // Goals: the columns the statement computes, what counts as a conversion, the rate's denominator.
  const goalRefs = new Set(sessionFilters.flatMap((f) => goalIndexes(goals, goalIdsIn(f))));
  const hasGoalDim = dimensions.includes('goal');
  const goalMetrics = metrics.some((m) => GOAL_METRICS.includes(m));
  const scope = sessionFilters.find((f): f is FilterLeaf => isLeaf(f) && f[0] === 'is' && f[1] === 'goal');
  const conversionGoals = scope ? goalIndexes(goals, scope[2]) : goals.map((_, i) => i);
  const goalColumns =
    hasGoalDim || (goalMetrics && !scope)
      ? goals.map((_, i) => i)
      : [...new Set([...goalRefs, ...(goalMetrics ? conversionGoals : [])])].sort((a, b) => a - b);
  const withoutGoals = sessionFilters.filter((f) => goalIdsIn(f).length === 0);

  const resolved: ResolvedQuery = {
    siteId: query.site_id,
    timezone,
    range,
    compareRange: compare ? previousRange(range, timezone) : null,
    metrics,
    dimensions,
    eventFilters,
    sessionFilters,
    interval,
    orderBy,
    limit: query.limit,
    offset: query.offset,
    goals,
    goalColumns,
    conversionGoals,
    rateBase: null,
    attributionModel: query.attribution_model ?? 'last_touch',
    people: query.unit === 'people',
  };
  if (traitKeysOf(dimensions, eventFilters).length) {
    // Trait values are joined onto event rows; page-view rows and revenue credits are read apart.
    const apart = metrics.filter((m) => METRIC_DEFS[m].level === 'page' || METRIC_DEFS[m].level === 'revenue');
    if (apart.length)
      throw badRequest(
        'invalid_dimension',
        `trait:<key> dimensions and filters are not available for ${apart.join(', ')} (docs/people.md)`,
      );
  }
  if (labelsUsed(dimensions, eventFilters)) {
    // Person labels are joined onto event rows too (labels.ts).
    const apart = metrics.filter((m) => METRIC_DEFS[m].level === 'page' || METRIC_DEFS[m].level === 'revenue');
    if (apart.length)
      throw badRequest('invalid_dimension', `segment and score are not available for ${apart.join(', ')} (docs/segments.md)`);
  }
  if (metrics.includes('conversion_rate') && (hasGoalDim || goalRefs.size > 0)) {
    resolved.rateBase = {
      ...resolved,
      metrics: ['visitors'],
      dimensions: dimensions.filter((d) => d !== 'goal'),
      sessionFilters: withoutGoals,
      orderBy: [],
      limit: RATE_BASE_LIMIT,
      offset: 0,
      goalColumns: [],
      conversionGoals: [],
    };
  }
  return resolved;
}

/** Rows of the rate's denominator query: enough for any key of the main query's rows. */
const RATE_BASE_LIMIT = 100_000;

/** The goal ids a filter tree refers to. */
export function goalIdsIn(node: FilterNode): string[] {
  if (isLeaf(node)) return node[1] === 'goal' ? node[2] : [];
  return (node.slice(1) as FilterNode[]).flatMap(goalIdsIn);
}

function isLeaf(node: FilterNode): node is FilterLeaf {
  return node[0] !== 'and' && node[0] !== 'or' && node[0] !== 'not';
}

/** Top-level "and" is split so event and session conditions can be applied at their own level. */
function splitAnd(node: FilterNode): FilterNode[] {
  if (node[0] === 'and') return (node.slice(1) as FilterNode[]).flatMap(splitAnd);
  return [node];
}

export function levelsOf(node: FilterNode): Set<Level> {
  if (isLeaf(node)) return new Set([dimensionDef(node[1]).level]);
  const out = new Set<Level>();
  for (const c of node.slice(1) as FilterNode[]) for (const l of levelsOf(c)) out.add(l);
  return out;
}

function checkLeaves(node: FilterNode, goals: readonly GoalDefinition[]): void {
  if (!isLeaf(node)) {
    for (const c of node.slice(1) as FilterNode[]) checkLeaves(c, goals);
    return;
  }
  const [op, dim, values] = node;
  if (dim === 'goal') {
    if (op !== 'is' && op !== 'is_not')
      throw badRequest('invalid_filter', 'filters: goals are filtered with "is" or "is_not" and goal ids');
    goalIndexes(goals, values);
  }
  if (op === 'matches') for (const v of values) checkRegex(v);
}
