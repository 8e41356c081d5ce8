import { PASSIVE_EVENT_NAMES } from '@tidemark/core';
import { matchingSessions } from '../compile';
import type { Dialect } from '../dialect';
import type { Plan } from '../optimize';
import { collapseSteps, pathSessionsLabelled } from '../rollups';
import { and, bindInt, bindString, or, render, sql, type CompiledSql, type Sql } from '../sql';
import type { PathAnchor } from './params';

/**
 * Paths as one statement (README "Paths"):
 *   step rows (page views; with `events`, interactive events) of the period ± the look-around, each
 *   labelled 'p' + path or 'e' + name
 *   → per session: its steps sorted by (time, label), consecutive repeats dropped
 *   → the anchor's index (1 for the entry, else the first occurrence) and its time, which must be in
 *     the period; the path is the `take` steps from the anchor (forward) or up to it, reversed (backward)
 *   → per visitor: the path of the session with the earliest anchor
 *   → rows (k, lbl, nxt, n): visitors whose path has lbl at step k followed by nxt ('' when it ends).
 * Both engines build the sequences with arrays (ClickHouse 18.16 has no window functions); only the
 * array functions' names differ (PATH_LEAVES).
 */
export interface PathsQuery {
  siteId: string;
  plan: Plan;
  anchor: PathAnchor;
  events: boolean;
  /** Steps per path to return: the depth + 1, so that the last shown step knows whether the path went on. */
  take: number;
  lookaroundMs: number;
  /**
   * Read the path-sessions rollup (rollups/path-sessions.ts) for the per-session lists. Only on DuckDB,
   * for page-view steps without filters (what the rollup holds); run.ts decides.
   */
  rollup: boolean;
}

export const labelOf = (kind: 'page' | 'event', name: string) => (kind === 'page' ? `p${name}` : `e${name}`);

interface PathLeaves {
  /** Per row of `rows` (visitor_id, session_id, t, l): vk, sk, S = the session's (t, l) sorted; sessions where `having` holds. */
  sequences(rows: Sql, having: Sql): Sql;
  /** Session keys of the filters' sessions, for `sk IN (…)`. */
  sessionKeys(matching: Sql): Sql;
  /** K = S without consecutive repeats of l. */
  collapse: Sql;
  /** L = the labels of K, T = their times. */
  labels: Sql;
  times: Sql;
  /** 1-based index of the first `anchor` in L, 0 when none. */
  indexOf(anchor: Sql): Sql;
  /** Elements from..from+len-1 of array `a` (1-based). */
  slice(a: Sql, from: Sql, len: Sql): Sql;
  reverse(a: Sql): Sql;
  /** FROM text: one row per visitor path p and step k (1-based), with its label p[k] and the next (or ''). */
  explode(paths: Sql): Sql;
  argMin(value: Sql, by: Sql): Sql;
}

// Lambda parameters are all named differently: ClickHouse 18.16 confuses equal names across aliases.
const PATH_LEAVES: Record<string, PathLeaves> = {
  duckdb: {
    // 64-bit hashes as keys: cheaper to group and sort than two string ids (see funnels/chains.ts).
    sequences: (rows, having) =>
      // Sorting each small list afterwards: an ordered aggregate (list(… ORDER BY …)) took 47 s of 50
      // on the bench's 30 days; list_sort orders the structs by (t, l).
      sql`SELECT hash(visitor_id) AS vk, hash(visitor_id, session_id) AS sk, list_sort(list({'t': t, 'l': l})) AS S FROM (${rows}) AS r GROUP BY visitor_id, session_id HAVING ${having}`,
    sessionKeys: (m) => sql`SELECT hash(visitor_id, session_id) FROM (${m}) AS ms`,
    // Each element zipped with the label before it (no lambda capturing S, which copies it per element).
    collapse: collapseSteps(sql`S`),
    labels: sql`list_transform(K, x1 -> x1.l)`,
    times: sql`list_transform(K, x2 -> x2.t)`,
    indexOf: (a) => sql`list_position(L, ${a})`,
    slice: (a, from, len) => sql`list_slice(${a}, ${from}, ${from} + ${len} - 1)`,
    reverse: (a) => sql`list_reverse(${a})`,
    explode: (paths) =>
      sql`(SELECT k, p[k] AS lbl, CASE WHEN k < len(p) THEN p[k + 1] ELSE '' END AS nxt FROM (SELECT p, unnest(range(1, len(p) + 1)) AS k FROM (${paths}) AS ps) AS u) AS x`,
    argMin: (v, by) => sql`arg_min(${v}, ${by})`,
  },
  clickhouse: {
    sequences: (rows, having) =>
      sql`SELECT visitor_id AS vk, session_id AS sk, arraySort(groupArray(tuple(t, l))) AS S FROM (${rows}) AS r GROUP BY visitor_id, session_id HAVING ${having}`,
    sessionKeys: (m) => sql`SELECT session_id FROM (${m}) AS ms`,
    collapse: sql`arrayFilter((x0, i0) -> i0 = 1 OR tupleElement(x0, 2) != tupleElement(S[i0 - 1], 2), S, arrayEnumerate(S))`,
    labels: sql`arrayMap(x1 -> tupleElement(x1, 2), K)`,
    times: sql`arrayMap(x2 -> tupleElement(x2, 1), K)`,
    indexOf: (a) => sql`indexOf(L, ${a})`,
    slice: (a, from, len) => sql`arraySlice(${a}, ${from}, ${len})`,
    reverse: (a) => sql`arrayReverse(${a})`,
    explode: (paths) =>
      sql`(SELECT k, p[k] AS lbl, if(k < length(p), p[k + 1], '') AS nxt FROM (${paths}) AS ps ARRAY JOIN arrayEnumerate(p) AS k) AS x`,
    argMin: (v, by) => sql`argMin(${v}, ${by})`,
  },
};

function leavesOf(d: Dialect): PathLeaves {
  const leaves = PATH_LEAVES[d.name];
  if (!leaves) throw new Error(`paths: no leaves for ${d.name}`);
  return leaves;
}

/** The events that are steps: page views, and interactive events when asked for. */
function stepRows(d: Dialect, q: PathsQuery): Sql {
  const { range } = q.plan;
  const label = sql`CASE WHEN name = 'page_view' THEN ${d.concat([sql`'p'`, sql`path`])} ELSE ${d.concat([sql`'e'`, sql`name`])} END`;
  // Comparisons rather than NOT IN: DuckDB turns an IN list of parameters into a join (funnels/compile.ts).
  const isStep = q.events
    ? or([sql`name = 'page_view'`, and(PASSIVE_EVENT_NAMES.map((p) => sql`name <> ${bindString(p)}`))])
    : sql`name = 'page_view'`;
  const where = and([
    sql`site_id = ${bindString(q.siteId)}`,
    sql`ts >= ${d.timestampFromMs(range.startMs - q.lookaroundMs)}`,
    sql`ts < ${d.timestampFromMs(range.endMs + q.lookaroundMs)}`,
    isStep,
  ]);
  return sql`SELECT visitor_id, session_id, ${d.timestampToMs(sql`ts`)} AS t, ${label} AS l FROM events WHERE ${where}`;
}

const anchorLabel = (a: PathAnchor) => (a.kind === 'entry' ? null : labelOf(a.kind, a.name ?? ''));

/** (vk, sk, L, T) per session from raw events: its steps in the window, sorted and collapsed. */
function rawLabelled(d: Dialect, q: PathsQuery, lv: PathLeaves): Sql {
  const { plan } = q;
  const filtered = plan.eventFilters.length > 0 || plan.sessionFilters.length > 0;
  const label = anchorLabel(q.anchor);
  // Only sessions that can hold an anchor in the period build their lists: they have the anchor's
  // label, and an event at or after the period's start and one before its end.
  const having = and([
    sql`max(t) >= ${bindInt(plan.range.startMs)}`,
    sql`min(t) < ${bindInt(plan.range.endMs)}`,
    ...(label === null ? [] : [sql`max(CASE WHEN l = ${bindString(label)} THEN 1 ELSE 0 END) = 1`]),
  ]);
  const seqs = sql`SELECT * FROM (${lv.sequences(stepRows(d, q), having)}) AS sq${filtered ? sql` WHERE sk IN (${lv.sessionKeys(matchingSessions(plan, d))})` : sql``}`;
  const collapsed = sql`SELECT vk, sk, ${lv.collapse} AS K FROM (${seqs}) AS s0`;
  return sql`SELECT vk, sk, ${lv.labels} AS L, ${lv.times} AS T FROM (${collapsed}) AS s1`;
}

/** The same rows from the path-sessions rollup and the page views received after its watermark. */
function rollupLabelled(d: Dialect, q: PathsQuery): Sql {
  const { range } = q.plan;
  return pathSessionsLabelled(d, {
    siteId: q.siteId,
    windowStartMs: range.startMs - q.lookaroundMs,
    windowEndMs: range.endMs + q.lookaroundMs,
    startMs: range.startMs,
    endMs: range.endMs,
    anchorLabel: anchorLabel(q.anchor),
  });
}

/** Rows (k, lbl, nxt, n), ordered by k, n desc, lbl, nxt. */
export function compilePaths(d: Dialect, q: PathsQuery): CompiledSql {
  const lv = leavesOf(d);
  const { plan, anchor } = q;
  if (q.rollup && (d.name !== 'duckdb' || q.events || plan.eventFilters.length > 0 || plan.sessionFilters.length > 0))
    throw new Error('paths: the path-sessions rollup holds page views of unfiltered sessions on DuckDB only');
  const labelled = q.rollup ? rollupLabelled(d, q) : rawLabelled(d, q, lv);
  // Materialized where the engine can: otherwise the optimizer copies the list expressions into every
  // use (the anchor's filter, its time, the slice) and computes them again (3x the time on DuckDB).
  const source = d.supportsCte ? sql`lab` : sql`(${labelled})`;
  const label = anchorLabel(anchor);
  const at = label === null ? sql`1` : lv.indexOf(bindString(label));
  const anchored = sql`SELECT vk, sk, L, T, ${at} AS a FROM ${source} AS s2`;
  const take = bindInt(q.take);
  const path =
    anchor.position === 'start'
      ? lv.slice(sql`L`, sql`a`, take)
      : lv.reverse(lv.slice(sql`L`, sql`greatest(1, a - ${take} + 1)`, sql`least(a, ${take})`));
  const sessions = sql`SELECT vk, ${path} AS pth, T[a] AS ats FROM (${anchored}) AS s3 WHERE a > 0`;
  const inPeriod = sql`ats >= ${bindInt(plan.range.startMs)} AND ats < ${bindInt(plan.range.endMs)}`;
  const visitors = sql`SELECT vk, ${lv.argMin(sql`pth`, sql`ats`)} AS p FROM (${sessions}) AS s4 WHERE ${inPeriod} GROUP BY vk`;
  const counts = sql`SELECT k, lbl, nxt, count(*) AS n FROM ${lv.explode(visitors)} GROUP BY k, lbl, nxt ORDER BY k ASC, n DESC, lbl ASC, nxt ASC`;
  return render(d.supportsCte ? sql`WITH lab AS MATERIALIZED (${labelled}) ${counts}` : counts, d);
}
