import { PASSIVE_EVENT_NAMES, type Dimension, type Funnel } from '@tidemark/core';
import { matchingSessions } from '../compile';
import type { Dialect } from '../dialect';
import type { Plan } from '../optimize';
import { dimensionDef, propKey } from '../registry';
import { and, bindInt, bindString, empty, ident, join, keyword, or, render, sql, type CompiledSql, type Sql } from '../sql';
import { FUNNEL_LEAVES, type FunnelLeaves } from './chains';
import { stepPredicate } from './steps';

/**
 * A funnel over a period as SQL (README "Funnels"). The statements share one shape:
 *   step rows (events of the site from the period's start to its end + the window that match a step)
 *   → chains (chains.ts, per engine: one row per start with the time of each step reached)
 *   → best chain per (breakdown value, visitor): the furthest, then the earliest start
 *   → counts and medians per step, or what the leavers did next.
 * Filters choose the entrants: a start counts when its session matches them (compile.ts matchingSessions).
 * With CTEs (DuckDB) steps and what-next are one statement over one scan (sharedRows); otherwise each
 * statement reads the events itself.
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
  return leavesOf(d).leftJoinUsing(left, right, join(keys.map((k) => ident(k))));
}

/** One row per (bd, visitor): its best chain, its level and its entrant's key. */
function bestChains(d: Dialect, q: FunnelQuery, withBreakdown: boolean, keyedRows?: Sql): Sql {
  const n = q.funnel.steps.length;
  const startsVary = withBreakdown && q.breakdown !== null && (q.funnel.scope === 'visitor' || dimensionDef(q.breakdown).level === 'event');
  const rows = keyedRows ?? stepRows(d, q, withBreakdown);
  const noBreakdown = !withBreakdown || q.breakdown === null;
  const keyed = keyedRows !== undefined;
  const chains = leavesOf(d).chains(d, { rows, keyed, boolFlags: keyed, steps: n, windowMs: q.windowMs, startsVary, noBreakdown });
  // level × 2^42 − t1: one integer ordering starts by furthest step, then earliest (t1 < 2^42 ms, until 2109).
  const level = levelOf(n);
  const ranked = sql`SELECT *, ${level} AS lvl, ${level} * ${bindInt(2 ** 42)} - t1 AS bk FROM (${chains}) AS ch`;
  const picks = ['ek', ...steps(q).map((k) => `t${k}`)].map((c) => sql`${leavesOf(d).argMax(ident(c), ident('bk'))} AS ${ident(c)}`);
  // Without a breakdown bd is '' everywhere: grouping by the visitor alone is the same, and cheaper.
  if (noBreakdown) return sql`SELECT '' AS bd, vk, max(lvl) AS lvl, ${join(picks)} FROM (${ranked}) AS kd GROUP BY vk`;
  return sql`SELECT bd, vk, max(lvl) AS lvl, ${join(picks)} FROM (${ranked}) AS kd GROUP BY bd, vk`;
}

function leavesOf(d: Dialect): FunnelLeaves {
  const leaves = FUNNEL_LEAVES[d.name];
  if (!leaves) throw new Error(`funnels: no leaves for ${d.name}`);
  return leaves;
}

/** Per breakdown value (or '' without one): v1..vn entrants at or beyond each step, q2..qn median seconds from the previous step. */
function stepsSelect(d: Dialect, q: FunnelQuery, best: Sql, order: Sql): Sql {
  const cols: Sql[] = [ident('bd'), sql`count(*) AS v1`];
  for (const k of steps(q).slice(1)) {
    cols.push(sql`${d.countIf(sql`lvl >= ${bindInt(k)}`)} AS ${ident(`v${k}`)}`);
    const gap = sql`CASE WHEN lvl >= ${bindInt(k)} THEN (${t(k)} - ${t(k - 1)}) / 1000.0 END`;
    cols.push(sql`${d.quantile(gap, 0.5)} AS ${ident(`q${k}`)}`);
  }
  return sql`SELECT ${join(cols)} FROM ${best} GROUP BY bd${order}`;
}

export function compileFunnelSteps(d: Dialect, q: FunnelQuery, withBreakdown: boolean, limit = 20): CompiledSql {
  const order = withBreakdown ? sql` ORDER BY v1 DESC, bd ASC LIMIT ${bindInt(limit)}` : empty;
  return render(stepsSelect(d, q, sql`(${bestChains(d, q, withBreakdown)}) AS b`, order), d);
}

/**
 * What the entrants who stopped at step k (< n) did next: the first page view (its path) or
 * interactive event (its name) after their step-k event, within the window of their start (and in
 * the same session with session scope); '' when nothing. Rows: after_step, next_label, visitors.
 */
function nextSelect(d: Dialect, q: FunnelQuery, best: Sql, laterRows?: Sql): Sql {
  const n = q.funnel.steps.length;
  const { plan } = q;
  const atLevel = sql`CASE ${join(
    steps(q).map((k) => sql`WHEN lvl = ${bindInt(k)} THEN ${t(k)}`),
    ' ',
  )} ELSE 0 END`;
  const deadline = q.windowMs === null ? bindInt(plan.range.endMs + q.lookaheadMs) : sql`t1 + ${bindInt(q.windowMs)}`;
  const leavers = sql`SELECT vk, ek, lvl, ${atLevel} AS t_at, ${deadline} AS dl FROM ${best} WHERE lvl < ${bindInt(n)}`;
  const sk = q.funnel.scope === 'session' ? ident('session_id') : keyword("''");
  const later =
    laterRows ??
    sql`SELECT ${leavesOf(d).keys(sk)}, ${d.timestampToMs(ident('ts'))} AS ets, ${label} AS label FROM events WHERE ${and([
      sql`site_id = ${bindString(q.siteId)}`,
      between(d, plan.range.startMs, plan.range.endMs + q.lookaheadMs),
      interactive(),
    ])}`;
  return sql`SELECT lvl AS after_step, nxt AS next_label, count(*) AS visitors FROM (${leavesOf(d).next(d, leavers, later)}) AS p GROUP BY lvl, nxt`;
}

/** The events "what next" may name: page views and interactive events. */
const interactive = () => or([sql`name = 'page_view'`, sql`name NOT IN (${join(PASSIVE_EVENT_NAMES.map((p) => bindString(p)))})`]);
const label = sql`CASE WHEN name = 'page_view' THEN path ELSE name END`;

/**
 * One scan for both halves (engines with CTEs): the read range's events that match a step or that
 * "what next" may name, with the ids hashed once (vk, ek, and sh for the session filters' join), the
 * step flags, and the label of the interactive ones. Columns: vk, ek, (sh), ts, m1..mn, ip, iv, label.
 */
function sharedRows(d: Dialect, q: FunnelQuery): Sql {
  const { plan } = q;
  const preds = q.funnel.steps.map((s, i) => stepPredicate(d, s, i));
  const sk = q.funnel.scope === 'session' ? ident('session_id') : keyword("''");
  // Comparisons rather than NOT IN: DuckDB turns an IN list of parameters into a join, once per use.
  const iv = or([sql`name = 'page_view'`, and(PASSIVE_EVENT_NAMES.map((p) => sql`name <> ${bindString(p)}`))]);
  // Flags are booleans: cheaper to compute, keep and test than 0/1 integers (bench/README.md "Funnel").
  const cols: Sql[] = [
    sql`hash(visitor_id) AS vk`,
    sql`hash(visitor_id, ${sk}) AS ek`,
    // The session's key, for the filters' join only (the entrant's key already with session scope).
    ...(needsSessions(q) && q.funnel.scope !== 'session' ? [sql`hash(visitor_id, session_id) AS sh`] : []),
    sql`${d.timestampToMs(ident('ts'))} AS ts`,
    ...preds.map((p, i) => sql`(${p}) AS ${ident(`m${i + 1}`)}`),
    sql`(${between(d, plan.range.startMs, plan.range.endMs)}) AS ip`,
    ...(passiveStep(q) ? [sql`(${iv}) AS iv`] : []),
    sql`${label} AS label`,
  ];
  // Every row matching a step or interactive passes `name NOT IN (passive names no step asks for)`; one
  // condition on one column, which DuckDB evaluates inside the scan before it reads the ids and paths.
  const skip = PASSIVE_EVENT_NAMES.filter((p) => !stepEventNames(q).has(p));
  const where = and([
    sql`site_id = ${bindString(q.siteId)}`,
    between(d, plan.range.startMs, plan.range.endMs + q.lookaheadMs),
    ...skip.map((p) => sql`name <> ${bindString(p)}`),
  ]);
  return sql`SELECT ${join(cols)} FROM events WHERE ${where}`;
}

/** Step rows (vk, ek, ts, m1..mn, st, bd; flags boolean) out of the shared rows `ev`; the filters' sessions joined on sh. */
function sharedStepRows(d: Dialect, q: FunnelQuery): Sql {
  const { plan } = q;
  const flags = Array.from({ length: q.funnel.steps.length }, (_, i) => ident(`m${i + 1}`));
  const anyStep = or(flags);
  const keep = sql`vk, ek, ts, ${join(flags)}`;
  if (!needsSessions(q)) {
    return sql`SELECT ${keep}, (m1 AND ip) AS st, '' AS bd FROM ev WHERE ${anyStep}`;
  }
  const sessions = sql`SELECT hash(visitor_id, session_id) AS sh, 1 AS f_ok FROM (${matchingSessions(plan, d)}) AS ms`;
  const rows = q.funnel.scope === 'session' ? sql`SELECT *, ek AS sh FROM ev WHERE ${anyStep}` : sql`SELECT * FROM ev WHERE ${anyStep}`;
  return sql`SELECT ${keep}, (m1 AND ip AND coalesce(f_ok, 0) = 1) AS st, '' AS bd FROM (${rows}) AS e LEFT JOIN (${sessions}) AS s USING (sh)`;
}

const needsSessions = (q: FunnelQuery) => q.plan.eventFilters.length > 0 || q.plan.sessionFilters.length > 0;
/** The event names the steps ask for, page_view included. */
const stepEventNames = (q: FunnelQuery) =>
  new Set(['page_view', ...q.funnel.steps.flatMap((s) => (s.type === 'event' ? [s.match.event_name ?? ''] : []))]);
/**
 * A step asks for a passive event: only then do the shared rows hold events "what next" may not name
 * (the scan drops the other passive ones), so only then is `iv` needed.
 */
const passiveStep = (q: FunnelQuery) => PASSIVE_EVENT_NAMES.some((p) => p !== 'page_view' && stepEventNames(q).has(p));

const NEXT_ORDER = sql` ORDER BY after_step ASC, visitors DESC, next_label ASC`;

export function compileFunnelNext(d: Dialect, q: FunnelQuery): CompiledSql {
  return render(sql`${nextSelect(d, q, sql`(${bestChains(d, q, false)}) AS b`)}${NEXT_ORDER}`, d);
}

/**
 * Engines with CTEs: steps and next in one statement over the best chains computed once. Rows with
 * after_step = 0 are the steps (bd '' only), the others the next-step counts.
 */
export function compileFunnelCombined(d: Dialect, q: FunnelQuery): CompiledSql {
  const later = steps(q).slice(1);
  const stepCols = [
    keyword('0 AS after_step'),
    keyword("'' AS next_label"),
    keyword('0 AS visitors'),
    ident('bd'),
    ident('v1'),
    ...later.flatMap((k) => [ident(`v${k}`), ident(`q${k}`)]),
  ];
  const nextCols = [
    ident('after_step'),
    ident('next_label'),
    ident('visitors'),
    keyword("'' AS bd"),
    keyword('0 AS v1'),
    ...later.flatMap((k) => [sql`0 AS ${ident(`v${k}`)}`, sql`CAST(NULL AS DOUBLE) AS ${ident(`q${k}`)}`]),
  ];
  const best = ident('best');
  return render(
    sql`WITH ev AS MATERIALIZED (${sharedRows(d, q)}), best AS MATERIALIZED (${bestChains(d, q, false, sharedStepRows(d, q))}) SELECT ${join(stepCols)} FROM (${stepsSelect(d, q, best, empty)}) AS s UNION ALL SELECT ${join(nextCols)} FROM (${nextSelect(d, q, best, sql`SELECT ek, ts AS ets, label FROM ev${passiveStep(q) ? keyword(' WHERE iv') : empty}`)}) AS n${NEXT_ORDER}`,
    d,
  );
}

/**
 * The sessions behind one drop-off: the entrants whose best chain reached step `afterStep` and not the next
 * (the step's drop_off), each with the session of its step-`afterStep` event (with session scope, its
 * entrant's session; with visitor scope, where it was when it stopped). That event is found again by the
 * entrant's keys and its time. Rows: session_id, last_at (ms of the latest such event), latest first.
 */
export function compileFunnelDropOffSessions(d: Dialect, q: FunnelQuery, afterStep: number, limit: number): CompiledSql {
  const { plan } = q;
  const leavers = sql`SELECT vk, ek, ${t(afterStep)} AS t_at FROM (${bestChains(d, q, false)}) AS b WHERE lvl = ${bindInt(afterStep)}`;
  const sk = q.funnel.scope === 'session' ? ident('session_id') : keyword("''");
  const where = and([
    sql`site_id = ${bindString(q.siteId)}`,
    between(d, plan.range.startMs, plan.range.endMs + q.lookaheadMs),
    stepPredicate(d, q.funnel.steps[afterStep - 1]!, afterStep - 1),
  ]);
  const hits = sql`SELECT ${leavesOf(d).keys(sk)}, ${d.timestampToMs(ident('ts'))} AS t_at, session_id FROM events WHERE ${where}`;
  return render(
    sql`SELECT session_id, max(t_at) AS last_at FROM ${leavesOf(d).innerJoinUsing(leavers, hits, sql`vk, ek, t_at`)} GROUP BY session_id ORDER BY last_at DESC, session_id ASC LIMIT ${bindInt(limit)}`,
    d,
  );
}
