import type { FilterLeaf, FilterNode } from '@tidemark/core';
import type { OrderTerm, ResolvedQuery } from './build';
import { offsetSegments, wholeLocalDays, type DateRange } from './period';
import { AGG_ORDER, AGGREGATES, METRIC_DEFS, dimensionDef, type AggName } from './registry';
import { marksServe, partsCover } from './rollups';

/**
 * Stage 2 (optimize): pure rewrites of a ResolvedQuery into a Plan — simplified filters, complete
 * deterministic ordering, and the choice of row source for each half of the query:
 *
 * - event half (visitors, pageviews, events: counted over events in the period)
 *   'events'   plain scan of events, when no session-level dimension or filter is involved;
 *   'sessions' from the session subquery's per-session in-period counts, when the query has no
 *              event-level dimension and no interval (saves a second scan when sessions are built anyway);
 *   'join'     events joined to their session's attributes otherwise.
 * - session half (sessions, bounce_rate, avg_duration, views_per_visit: over sessions that start in
 *   the period) — 'sessions' from the session subquery, or 'join' with the distinct event-level
 *   dimension values of each session when the query breaks down by an event-level dimension.
 *
 * and, per period, the table the rows are read from (RowSource): raw events or one of the rollups
 * (rollups/README.md), among those the caller says are available.
 */

/**
 * Where a statement's rows come from. Every source gives the same numbers; the rollups only sooner.
 *   'events'        raw `events`
 *   'fragments'     session fragments (`session_parts`, `page_parts` for `page`) plus the events received
 *                   after the rollup's watermark, aggregated on the spot
 *   'marks_hourly'  visitors counted from marks in the hourly cubes (`mark_cube`, `page_cube`); the few
 *                   visitors marks cannot answer go through fragments
 *   'marks_daily'   the same from the daily cube (`mark_cube_day`), over whole local days
 */
export type RowSource = 'events' | 'fragments' | 'marks_hourly' | 'marks_daily';

/** The rollups a plan may read (the stats service knows which are built); none → every plan reads events. */
export interface AvailableRollups {
  /** The session-parts rollup is built (DuckDB only). */
  fragments: boolean;
  /** Count from marks where they serve (needs `fragments`). */
  marks: boolean;
  /** The time zone the site's daily marks cube is complete for, if any. */
  dayZone: string | null;
}

export type EventSource = 'events' | 'sessions' | 'join';
export type SessionSource = 'sessions' | 'join';

/** How long sessions may extend beyond the period: events this far outside it are read to find each
 * session's start, first-event attributes, last event, exit page and bounce status. */
export const SESSION_LOOKAROUND_MS = 24 * 3_600_000;

export interface Plan extends ResolvedQuery {
  aggs: AggName[];
  eventSource: EventSource | null;
  sessionSource: SessionSource | null;
  /** Both halves come from one SELECT over the session subquery. */
  merged: boolean;
  needsSessionSubquery: boolean;
  /** Complete order (explicit terms, then defaults, then every remaining key as a tie-breaker). */
  order: OrderTerm[];
  /** Timeseries without dimensions: every bucket is returned (zero-filled), no limit. */
  zeroFill: boolean;
  lookaroundMs: number;
  /** Where the rows for `range` come from. */
  source: RowSource;
  /** Where the rows for `compareRange` come from (null without comparison). */
  compareSource: RowSource | null;
  /** The plan of conversion_rate's denominator query (build.ts `rateBase`), run beside this one. */
  ratePlan: Plan | null;
}

const HOUR_MS = 3_600_000;
const NO_ROLLUPS: AvailableRollups = { fragments: false, marks: false, dayZone: null };

export function optimize(q: ResolvedQuery, rollups: AvailableRollups = NO_ROLLUPS): Plan {
  const eventFilters = q.eventFilters.map(simplify);
  const sessionFilters = q.sessionFilters.map(simplify);
  // With goal conditions the rate's visitors come from the denominator query, not this statement.
  const aggs = AGG_ORDER.filter((a) => q.metrics.some((m) => METRIC_DEFS[m].aggs.includes(a)) && !(a === 'rate_visitors' && q.rateBase));
  // A half is needed when one of its aggregates is (a metric may combine aggregates of both halves).
  const hasEventMetrics = aggs.some((a) => AGGREGATES[a].level === 'event');
  const hasSessionMetrics = aggs.some((a) => AGGREGATES[a].level === 'session');
  // Page-view and web-vitals rows take session attributes from the session subquery.
  const hasPageMetrics = aggs.some((a) => AGGREGATES[a].level === 'page' || AGGREGATES[a].level === 'vitals');
  const eventDims = q.dimensions.filter((d) => dimensionDef(d).level === 'event');
  const sessionDims = q.dimensions.filter((d) => dimensionDef(d).level === 'session');
  const needsSessionAttrs = sessionDims.length > 0 || sessionFilters.length > 0;

  let eventSource: EventSource | null = null;
  if (hasEventMetrics) {
    const canUseSessionRows = eventDims.length === 0 && q.interval === null;
    if (canUseSessionRows && (needsSessionAttrs || hasSessionMetrics)) eventSource = 'sessions';
    else if (!needsSessionAttrs) eventSource = 'events';
    else eventSource = 'join';
  }
  const sessionSource: SessionSource | null = hasSessionMetrics ? (eventDims.length ? 'join' : 'sessions') : null;

  const zeroFill = q.interval !== null && q.dimensions.length === 0;
  const shape = { ...q, eventFilters, sessionFilters };
  return {
    ...shape,
    aggs,
    eventSource,
    sessionSource,
    merged: eventSource === 'sessions' && sessionSource !== 'join',
    // Page-view rows (time on page, scroll depth) take session attributes from the session subquery.
    needsSessionSubquery:
      eventSource === 'sessions' || eventSource === 'join' || sessionSource !== null || (hasPageMetrics && needsSessionAttrs),
    order: completeOrder(q, zeroFill),
    zeroFill,
    lookaroundMs: SESSION_LOOKAROUND_MS,
    source: chooseSource(shape, q.range, rollups),
    compareSource: q.compareRange ? chooseSource(shape, q.compareRange, rollups) : null,
    ratePlan: q.rateBase ? optimize(q.rateBase, rollups) : null,
  };
}

/**
 * The fastest source that gives the same numbers over `range`. Fragments serve when no event filter
 * needs raw events, the only event-level dimension is `page`, the period's edges are whole UTC hours
 * and so are the time buckets' edges (the zone's offsets and their changes are whole hours). Marks
 * serve plans without filters and with at most one dimension (rollups/session-marks.ts); the daily
 * cube serves them over whole local days of its zone, except hourly buckets and pages.
 */
export function chooseSource(q: ResolvedQuery, range: DateRange, rollups: AvailableRollups): RowSource {
  if (!rollups.fragments || !fragmentsServe(q, range)) return 'events';
  if (!rollups.marks || !marksServe(q)) return 'fragments';
  // There is no daily page cube: pages always read the hourly one.
  const daily =
    rollups.dayZone === q.timezone && q.interval !== 'hour' && !q.dimensions.includes('page') && wholeLocalDays(range, q.timezone);
  return daily ? 'marks_daily' : 'marks_hourly';
}

function fragmentsServe(q: ResolvedQuery, range: DateRange): boolean {
  // Fragments key visitor ids by hash: people (people.ts) are read from raw events.
  if (q.people || q.eventFilters.length || !partsCover(range)) return false;
  // Only revenue: the statement reads the credits alone, no rows of events or rollups.
  if (q.metrics.every((m) => METRIC_DEFS[m].aggs.every((a) => AGGREGATES[a].level === 'revenue'))) return false;
  // No rollup keeps goal completion (goals are defined after the fact, over any events): raw events.
  if (q.goalColumns.length || q.dimensions.includes('goal')) return false;
  // Page-view and returning-visitor aggregates are not kept by the rollups (registry `rawOnly`).
  if (q.metrics.some((m) => METRIC_DEFS[m].aggs.some((a) => AGGREGATES[a].rawOnly))) return false;
  if (q.dimensions.some((dim) => dimensionDef(dim).level === 'event' && dim !== 'page')) return false;
  return (
    !q.interval ||
    offsetSegments(range.startMs, range.endMs, q.timezone).every((s) => s.offsetMs % HOUR_MS === 0 && s.fromMs % HOUR_MS === 0)
  );
}

/** The plan's row source for `range` (its period or its comparison period). */
export function sourceFor(plan: Plan, range: DateRange): RowSource {
  const same = (r: DateRange | null) => r !== null && r.startMs === range.startMs && r.endMs === range.endMs;
  if (same(plan.range)) return plan.source;
  if (same(plan.compareRange)) return plan.compareSource!;
  // Another range (tests compile plans for any range): only raw events are sure to serve it.
  if (plan.source === 'events' && (plan.compareSource ?? 'events') === 'events') return 'events';
  throw new Error('stats: the plan chose no row source for this range');
}

/**
 * Plans run as one statement over shared session rows (batch.ts) read one source: when marks serve
 * only some of them, the others' fallback rows would be missing, so all read fragments instead.
 */
export function withSharedSource(plans: Plan[]): Plan[] {
  const marks = (p: Plan) => p.source === 'marks_hourly' || p.source === 'marks_daily';
  if (plans.every(marks) || !plans.some(marks)) return plans;
  return plans.map((p) => (marks(p) ? { ...p, source: 'fragments' } : p));
}

function completeOrder(q: ResolvedQuery, zeroFill: boolean): OrderTerm[] {
  const terms: OrderTerm[] = [];
  const seen = new Set<string>();
  const add = (t: OrderTerm) => {
    const k = `${t.kind}:${t.name}`;
    if (!seen.has(k)) {
      seen.add(k);
      terms.push(t);
    }
  };
  if (zeroFill) return [{ kind: 'date', name: 'date', dir: 'asc' }];
  for (const t of q.orderBy) add(t);
  if (q.orderBy.length === 0) {
    if (q.interval) add({ kind: 'date', name: 'date', dir: 'asc' });
    add({ kind: 'metric', name: q.metrics[0], dir: 'desc' });
  }
  // Tie-breakers make the order (and so limit/offset pages) identical on every engine.
  if (q.interval) add({ kind: 'date', name: 'date', dir: 'asc' });
  for (const d of q.dimensions) add({ kind: 'dimension', name: d, dir: 'asc' });
  return terms;
}

/** Flattens nested and/or, removes double negation, unwraps single-child groups, dedupes values. */
export function simplify(node: FilterNode): FilterNode {
  const op = node[0];
  if (op === 'not') {
    const inner = simplify(node[1] as FilterNode);
    return inner[0] === 'not' ? (inner[1] as FilterNode) : ['not', inner];
  }
  if (op === 'and' || op === 'or') {
    const children: FilterNode[] = [];
    for (const c of (node.slice(1) as FilterNode[]).map(simplify)) {
      if (c[0] === op) children.push(...(c.slice(1) as FilterNode[]));
      else children.push(c);
    }
    if (children.length === 1) return children[0];
    return [op, ...children] as FilterNode;
  }
  const [leafOp, dim, values] = node as FilterLeaf;
  return [leafOp, dim, [...new Set(values)]];
}

/** What a test or an operator sees of a plan (StatsService `debug`): its halves and each period's row source. */
export interface PlanTrace {
  source: RowSource;
  compare_source: RowSource | null;
  event_half: EventSource | null;
  session_half: SessionSource | null;
  merged: boolean;
}

export function tracePlan(p: Plan): PlanTrace {
  return { source: p.source, compare_source: p.compareSource, event_half: p.eventSource, session_half: p.sessionSource, merged: p.merged };
}
