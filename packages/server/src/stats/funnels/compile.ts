import { PASSIVE_EVENT_NAMES, type Dimension, type Funnel } from '@tidemark/core';
import { matchingSessions } from '../compile';
import type { Dialect } from '../dialect';
import type { Plan } from '../optimize';
import { dimensionDef, propKey } from '../registry';
import { and, bindInt, bindString, empty, ident, join, keyword, or, render, sql, type CompiledSql, type Sql } from '../sql';
import { CHAIN_LEAVES } from './chains';
import { stepPredicate } from './steps';

/**
 * A funnel over a period as SQL (README "Funnels"). The statements share one shape:
 *   step rows (events of the site from the period's start to its end + the window that match a step)
 *   → chains (chains.ts, per engine: one row per start with the time of each step reached)
 *   → best chain per (breakdown value, visitor): the furthest, then the earliest start
 *   → counts and medians per step, or what the leavers did next.
 * Filters choose the entrants: a start counts when its session matches them (compile.ts matchingSessions).
 */
export interface FunnelQuery {
  siteId: string;
  funnel: Pick<Funnel, 'steps' | 'scope'>;
  /** Explicit window in ms; null: the session (session scope). Visitor scope always has one. */
  windowMs: number | null;
  /** How far after the period's end steps are looked for. */
  lookaheadMs: number;
  /** The filters' plan (site, range, filters; session-level breakdown as its dimension). */
  plan: Plan;
  breakdown: Dimension | null;
}

const t = (k: number) => ident(`t${k}`);
const steps = (q: FunnelQuery) => Array.from({ length: q.funnel.steps.length }, (_, i) => i + 1);
/** The furthest step of a chain row: 1 + the later steps it reached. */
const levelOf = (n: number) =>
  sql`(1 + ${join(
    Array.from({ length: n - 1 }, (_, i) => sql`CASE WHEN ${t(i + 2)} > 0 THEN 1 ELSE 0 END`),
    ' + ',
  )})`;

function between(d: Dialect, startMs: number, endMs: number): Sql {
  return sql`ts >= ${d.timestampFromMs(startMs)} AND ts < ${d.timestampFromMs(endMs)}`;
}

/** Step rows: visitor_id, sk, ts (ms), m1..mn, st, bd. */
function stepRows(d: Dialect, q: FunnelQuery, withBreakdown: boolean): Sql {
  const { plan } = q;
  const n = q.funnel.steps.length;
  const preds = q.funnel.steps.map((s, i) => stepPredicate(d, s, i));
  const flag = (p: Sql) => sql`CASE WHEN ${p} THEN 1 ELSE 0 END`;
  const inPeriod = between(d, plan.range.startMs, plan.range.endMs);
  const sk = q.funnel.scope === 'session' ? ident('session_id') : keyword("''");
  const bdDim = withBreakdown ? q.breakdown : null;
  const sessionBd = bdDim !== null && dimensionDef(bdDim).level === 'session';
  const needSessions = plan.eventFilters.length > 0 || plan.sessionFilters.length > 0 || sessionBd;
  const eventBd = bdDim !== null && !sessionBd ? dimensionDef(bdDim).event!(d, propKey(bdDim)) : keyword("''");
  const cols: Sql[] = [
    ident('session_id'),
    ident('visitor_id'),
    sql`${sk} AS sk`,
    sql`${d.timestampToMs(ident('ts'))} AS ts`,
    ...preds.map((p, i) => sql`${flag(p)} AS ${ident(`m${i + 1}`)}`),
    sql`${flag(inPeriod)} AS ip`,
    sql`${eventBd} AS ebd`,
  ];
  const where = and([sql`site_id = ${bindString(q.siteId)}`, between(d, plan.range.startMs, plan.range.endMs + q.lookaheadMs), or(preds)]);
  const events = sql`SELECT ${join(cols)} FROM events WHERE ${where}`;
  const flags = Array.from({ length: n }, (_, i) => ident(`m${i + 1}`));
  if (!needSessions) {
    return sql`SELECT visitor_id, sk, ts, ${join(flags)}, CASE WHEN m1 = 1 AND ip = 1 THEN 1 ELSE 0 END AS st, ebd AS bd FROM (${events}) AS ev`;
  }
  const sessions = sql`SELECT session_id, visitor_id, 1 AS f_ok${sessionBd ? sql`, ${ident(`sd_${bdDim}`)} AS sbd` : empty} FROM (${matchingSessions(plan, d)}) AS ms`;
  const bd = sessionBd ? sql`coalesce(sbd, '')` : ident('ebd');
  return sql`SELECT visitor_id, sk, ts, ${join(flags)}, CASE WHEN m1 = 1 AND ip = 1 AND coalesce(f_ok, 0) = 1 THEN 1 ELSE 0 END AS st, ${bd} AS bd FROM ${leftJoin(d, events, sessions, ['session_id', 'visitor_id'])}`;
}

function leftJoin(d: Dialect, left: Sql, right: Sql, keys: string[]): Sql {
  const using = join(keys.map((k) => ident(k)));
  return d.name === 'clickhouse'
    ? sql`(${left}) AS l ALL LEFT JOIN (${right}) AS r USING (${using})`
    : sql`(${left}) AS l LEFT JOIN (${right}) AS r USING (${using})`;
}

/** One row per (bd, visitor): its best chain, its level and its sk. */
function bestChains(d: Dialect, q: FunnelQuery, withBreakdown: boolean): Sql {
  const n = q.funnel.steps.length;
  const leaf = CHAIN_LEAVES[d.name];
  if (!leaf) throw new Error(`funnels: no chain leaf for ${d.name}`);
  const chains = leaf(d, { rows: stepRows(d, q, withBreakdown), steps: n, windowMs: q.windowMs });
  // level × 2^42 − t1: one integer ordering starts by furthest step, then earliest (t1 < 2^42 ms, until 2109).
  const level = levelOf(n);
  const keyed = sql`SELECT *, ${level} AS lvl, ${level} * ${bindInt(2 ** 42)} - t1 AS bk FROM (${chains}) AS ch`;
  const picks = ['sk', ...steps(q).map((k) => `t${k}`)].map((c) => sql`${argMax(d, ident(c), ident('bk'))} AS ${ident(c)}`);
  return sql`SELECT bd, visitor_id, max(lvl) AS lvl, ${join(picks)} FROM (${keyed}) AS kd GROUP BY bd, visitor_id`;
}

function argMax(d: Dialect, value: Sql, by: Sql): Sql {
  return d.name === 'clickhouse' ? sql`argMax(${value}, ${by})` : sql`arg_max(${value}, ${by})`;
}

/** Per breakdown value (or '' without one): v1..vn entrants at or beyond each step, q2..qn median seconds from the previous step. */
export function compileFunnelSteps(d: Dialect, q: FunnelQuery, withBreakdown: boolean, limit = 20): CompiledSql {
  const cols: Sql[] = [ident('bd'), sql`count(*) AS v1`];
  for (const k of steps(q).slice(1)) {
    cols.push(sql`${d.countIf(sql`lvl >= ${bindInt(k)}`)} AS ${ident(`v${k}`)}`);
    const gap = sql`CASE WHEN lvl >= ${bindInt(k)} THEN (${t(k)} - ${t(k - 1)}) / 1000.0 END`;
    cols.push(sql`${d.quantile(gap, 0.5)} AS ${ident(`q${k}`)}`);
  }
  const order = withBreakdown ? sql` ORDER BY v1 DESC, bd ASC LIMIT ${bindInt(limit)}` : empty;
  return render(sql`SELECT ${join(cols)} FROM (${bestChains(d, q, withBreakdown)}) AS b GROUP BY bd${order}`, d);
}

/**
 * What the entrants who stopped at step k (< n) did next: the first page view (its path) or
 * interactive event (its name) after their step-k event, within the window of their start (and in
 * the same session with session scope); '' when nothing. Rows: after_step, label, visitors.
 */
export function compileFunnelNext(d: Dialect, q: FunnelQuery): CompiledSql {
  const n = q.funnel.steps.length;
  const { plan } = q;
  const atLevel = sql`CASE ${join(
    steps(q).map((k) => sql`WHEN lvl = ${bindInt(k)} THEN ${t(k)}`),
    ' ',
  )} ELSE 0 END`;
  const deadline = q.windowMs === null ? bindInt(plan.range.endMs + q.lookaheadMs) : sql`t1 + ${bindInt(q.windowMs)}`;
  const leavers = sql`SELECT visitor_id, sk, lvl, ${atLevel} AS t_at, ${deadline} AS dl FROM (${bestChains(d, q, false)}) AS b WHERE lvl < ${bindInt(n)}`;
  const sk = q.funnel.scope === 'session' ? ident('session_id') : keyword("''");
  const label = sql`CASE WHEN name = 'page_view' THEN path ELSE name END`;
  const interactive = or([sql`name = 'page_view'`, sql`name NOT IN (${join(PASSIVE_EVENT_NAMES.map((p) => bindString(p)))})`]);
  const later = sql`SELECT visitor_id, ${sk} AS sk, ${d.timestampToMs(ident('ts'))} AS ets, ${label} AS label FROM events WHERE ${and([
    sql`site_id = ${bindString(q.siteId)}`,
    between(d, plan.range.startMs, plan.range.endMs + q.lookaheadMs),
    interactive,
  ])}`;
  const next = d.argMinIf(ident('label'), ident('ets'), sql`ets > t_at AND ets <= dl`);
  const perLeaver = sql`SELECT visitor_id, sk, lvl, ${next} AS nxt FROM ${leftJoin(d, leavers, later, ['visitor_id', 'sk'])} GROUP BY visitor_id, sk, lvl`;
  return render(
    sql`SELECT lvl AS after_step, nxt AS next_label, count(*) AS visitors FROM (${perLeaver}) AS p GROUP BY lvl, nxt ORDER BY lvl ASC, visitors DESC, next_label ASC`,
    d,
  );
}
