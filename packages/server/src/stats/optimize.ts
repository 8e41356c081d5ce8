import type { FilterLeaf, FilterNode } from '@tidemark/core';
import type { OrderTerm, ResolvedQuery } from './build';
import { AGG_ORDER, METRIC_DEFS, dimensionDef, type AggName } from './registry';

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
 */

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
}

export function optimize(q: ResolvedQuery): Plan {
  const eventFilters = q.eventFilters.map(simplify);
  const sessionFilters = q.sessionFilters.map(simplify);
  const aggs = AGG_ORDER.filter((a) => q.metrics.some((m) => METRIC_DEFS[m].aggs.includes(a)));
  const hasEventMetrics = q.metrics.some((m) => METRIC_DEFS[m].level === 'event');
  const hasSessionMetrics = q.metrics.some((m) => METRIC_DEFS[m].level === 'session');
  const hasPageMetrics = q.metrics.some((m) => METRIC_DEFS[m].level === 'page');
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
  return {
    ...q,
    eventFilters,
    sessionFilters,
    aggs,
    eventSource,
    sessionSource,
    merged: eventSource === 'sessions' && sessionSource !== 'join',
    // Page-view rows (time on page, scroll depth) take session attributes from the session subquery.
    needsSessionSubquery: eventSource === 'sessions' || eventSource === 'join' || sessionSource !== null || (hasPageMetrics && needsSessionAttrs),
    order: completeOrder(q, zeroFill),
    zeroFill,
    lookaroundMs: SESSION_LOOKAROUND_MS,
  };
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
