import type { Dimension, FilterNode } from '@tidemark/core';
import type { Dialect } from './dialect';
import type { DateRange } from './period';
import type { Plan } from './optimize';
import { expandGoals, goalColumn, goalCompletion } from './goals';
import { goalIdsIn } from './build';
import { payerPeople } from './people';
import { AGGREGATES, dimensionDef, type AggName } from './registry';
import { and, bindInt, bindString, empty, ident, join, sql, type Sql } from './sql';

/**
 * The revenue half of a statement (registry level 'revenue'): rows of `revenue_credits` — each payment or
 * refund of the period credited to its touchpoint sessions under the plan's attribution model, with the
 * session's dimension values stored beside the credit (revenue/credits.ts). Session-level dimensions and
 * filters read those columns; event-level ones (page, hostname, event_name, props) and goals join the
 * touchpoint sessions' events, as the session half does for sessions. Payments without a touchpoint
 * carry "(unattributed)" in every dimension column, so they count in totals and under that value.
 */

/** Touchpoint sessions start at most this long before their payment (revenue/credits.ts CREDIT_LOOKBACK_MS). */
export const REVENUE_LOOKBACK_MS = 30 * 86_400_000;
/** Sessions may run this long past their start (the engine's session look-around). */
const SESSION_SPAN_MS = 86_400_000;

export interface RevenueCompileHelpers {
  plan: Plan;
  d: Dialect;
  range: DateRange;
  /** A filter tree with each leaf's dimension rendered by `expr`. */
  filter(node: FilterNode, expr: (dim: Dimension) => Sql): Sql;
  eventDimExpr(dim: Dimension): Sql;
  eventFilter(): Sql;
  outputKeys(): Sql[];
}

const SESSION_KEYS = ['session_id', 'visitor_id'];
const eventAlias = (i: number) => ident(`e_${i}`);

/** The events read by the statement's other half: the period widened by the look-around. */
function lookaround(d: Dialect, plan: Plan, range: DateRange): Sql[] {
  return [
    sql`ts >= ${d.timestampFromMs(range.startMs - plan.lookaroundMs)}`,
    sql`ts < ${d.timestampFromMs(range.endMs + plan.lookaroundMs)}`,
  ];
}

export function revenueRows(h: RevenueCompileHelpers): Sql {
  const { plan, d, range } = h;
  const site = sql`site_id = ${bindString(plan.siteId)}`;
  const eventDims = plan.dimensions.map((dim, i) => [dim, i] as const).filter(([dim]) => dimensionDef(dim).level === 'event');
  const goalDim = plan.dimensions.includes('goal');
  const needsGoals = goalDim || plan.sessionFilters.some((f) => goalIdsIn(f).length > 0);
  const needsEvents = eventDims.length > 0 || plan.eventFilters.length > 0;

  const credits = sql`SELECT * FROM revenue_credits WHERE ${and([
    site,
    sql`model = ${bindString(plan.attributionModel)}`,
    sql`kind IN ('payment', 'refund')`,
    sql`ts >= ${bindInt(range.startMs)}`,
    sql`ts < ${bindInt(range.endMs)}`,
  ])}`;
  // unit=people: each payer visitor id as its person over the statement's rows (people.ts), for paying_visitors.
  let rows = plan.people ? payerPeople(d, credits, and([site, ...lookaround(d, plan, range)])) : credits;
  if (needsEvents || needsGoals) {
    // The events of the touchpoint sessions: from the oldest possible touch to the end of the period's sessions.
    const window = and([
      site,
      sql`ts >= ${d.timestampFromMs(range.startMs - REVENUE_LOOKBACK_MS - SESSION_SPAN_MS)}`,
      sql`ts < ${d.timestampFromMs(range.endMs + SESSION_SPAN_MS)}`,
      sql`session_id IN (SELECT session_id FROM (${credits}) AS cs WHERE session_id <> '')`,
    ]);
    if (needsEvents) {
      const cols = [...SESSION_KEYS.map((k) => ident(k)), ...eventDims.map(([dim, i]) => sql`${h.eventDimExpr(dim)} AS ${eventAlias(i)}`)];
      const side = sql`SELECT DISTINCT ${join(cols)} FROM events WHERE ${and([window, h.eventFilter()])}`;
      rows = sql`SELECT * FROM ${d.joinUsing(rows, side, SESSION_KEYS)}`;
    }
    if (needsGoals) {
      const cols = [
        ...SESSION_KEYS.map((k) => ident(k)),
        ...plan.goalColumns.map((i) => sql`${goalCompletion(d, plan.goals[i]!)} AS ${goalColumn(i)}`),
      ];
      const side = sql`SELECT ${join(cols)} FROM events WHERE ${window} GROUP BY session_id, visitor_id`;
      rows = sql`SELECT * FROM ${d.joinUsing(rows, side, SESSION_KEYS)}`;
    }
    if (goalDim) {
      // One row per goal the touchpoint session completed (as the session half's goal dimension).
      rows = plan.goals.length
        ? sql`SELECT *, ${expandGoals(d, plan.goals)} AS rv_goal FROM (${rows}) AS rg`
        : sql`SELECT *, '' AS rv_goal FROM (${rows}) AS rg WHERE 1 = 0`;
    }
  }

  const cols = plan.dimensions.map((dim, i) => {
    const def = dimensionDef(dim);
    const value = def.goal ? ident('rv_goal') : def.level === 'event' ? eventAlias(i) : ident(dim);
    return sql`${value} AS ${ident(`d_${i}`)}`;
  });
  if (plan.interval) cols.push(sql`${d.timeBucket(d.msToTimestamp(ident('ts')), plan.interval, plan.timezone, range)} AS bucket`);
  cols.push(...plan.aggs.map((a: AggName) => sql`${AGGREGATES[a].overCredits?.(d, plan.people) ?? sql`0`} AS ${ident(`a_${a}`)}`));
  // Session filters read the credit columns (goal leaves: the goal columns joined above, see Compiler.leaf).
  const where = and(plan.sessionFilters.map((f) => h.filter(f, (dim) => ident(dim))));
  const keys = h.outputKeys();
  return sql`SELECT ${join(cols)} FROM (${rows}) AS rv WHERE ${where}${keys.length ? sql` GROUP BY ${join(keys)}` : empty}`;
}
