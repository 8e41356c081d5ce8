import type { Dialect } from '../dialect';
import { bindInt, empty, ident, join, keyword, sql, type Sql } from '../sql';

/**
 * The engine-specific leaves of a funnel. Chains: from the step rows (see compile.ts: visitor_id, sk, ts
 * in ms, m1..mn flags, st = this row may start the funnel, bd = breakdown value) to one row per start:
 * vk (the visitor's key), ek (the entrant's key), bd, t1..tn where t_k is the time (ms) of the earliest
 * step-k event after t_(k-1), within `windowMs` of t1 when given, and 0 when step k was not reached.
 * Keys are the ids themselves on ClickHouse and 64-bit hashes of them on DuckDB, whose hash tables and
 * sorts of two string ids per row were most of a funnel's time under its memory limit (a collision
 * among the few hundred thousand entrants of a period has a probability of about 10^-9).
 *
 * Without a window (the session is the window) the earliest start of an entrant reaches at least as
 * far as any later one, so only it is followed; the result is the same, the work much smaller.
 */
export interface ChainSpec {
  rows: Sql;
  /** The rows carry vk and ek already (instead of visitor_id and sk). */
  keyed?: boolean;
  steps: number;
  windowMs: number | null;
  /** The breakdown value may differ between the starts of one entrant (an event-level dimension, or visitor scope). */
  startsVary: boolean;
  /** The rows' st and m_k are booleans (the shared rows), not 0/1 integers. */
  boolFlags?: boolean;
  /** No breakdown: bd is '' on every row, so it is not carried through the aggregations. */
  noBreakdown?: boolean;
}

export type ChainLeaf = (d: Dialect, spec: ChainSpec) => Sql;

const t = (k: number) => ident(`t${k}`);
const m = (k: number) => ident(`m${k}`);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * DuckDB: one aggregation per entrant into lists of each later step's times, then t_k is the smallest
 * element after t_(k-1) (list_filter with the previous time captured). A window-function
 * formulation (starts joined to their entrant's rows, one window pass per step) gave the same answers
 * but took 10 s on the bench's 30 days (bench/README.md "Funnel"); this is one hash aggregation.
 */
export const duckdbChains: ChainLeaf = (_d, { rows, keyed: hashed, steps, windowMs, startsVary, boolFlags, noBreakdown }) => {
  const on = (c: Sql) => (boolFlags ? c : sql`${c} = 1`);
  const ids = hashed ? sql`vk, ek` : sql`hash(visitor_id) AS vk, hash(visitor_id, sk) AS ek`;
  const cols = [sql`${ids}, ts, st${noBreakdown ? empty : sql`, bd`}`, ...range(2, steps).map((k) => m(k))];
  const keyed = sql`SELECT ${join(cols)} FROM (${rows}) AS r`;
  const later = range(2, steps);
  const lists = later.map((k) => sql`list(ts) FILTER (WHERE ${on(m(k))}) AS ${ident(`a${k}`)}`);
  const st = on(ident('st'));
  // Without a window the earliest start of an entrant leads furthest (chains.ts header): one start per entrant.
  const firstOnly = windowMs === null && !startsVary;
  const starts = firstOnly
    ? sql`min(ts) FILTER (WHERE ${st}) AS c1, ${noBreakdown ? keyword("'' AS bd") : sql`min(bd) FILTER (WHERE ${st}) AS bd`}`
    : sql`list({'ts': ts, 'bd': ${noBreakdown ? keyword("''") : ident('bd')}}) FILTER (WHERE ${st}) AS starts`;
  const perEntrant = sql`SELECT ek, min(vk) AS vk, ${starts}, ${join(lists)} FROM fr GROUP BY ek`;
  const expanded = firstOnly
    ? sql`SELECT * FROM (${perEntrant}) AS e WHERE c1 IS NOT NULL`
    : sql`SELECT ek, vk, st0.ts AS c1, st0.bd AS bd, ${join(later.map((k) => ident(`a${k}`)))} FROM (SELECT *, unnest(starts) AS st0 FROM (${perEntrant}) AS e) AS x`;
  const steps2 = later.map((k) => {
    const x = ident(`y${k}`);
    const prev = ident(`c${k - 1}`);
    const within = windowMs === null ? keyword('') : sql` AND ${x} <= c1 + ${bindInt(windowMs)}`;
    const first = sql`coalesce(list_min(list_filter(${ident(`a${k}`)}, ${x} -> ${x} > ${prev}${within})), 0)`;
    // Once a step is missed the later ones are 0; the CASE runs the lambda only for chains still going.
    return k === 2 ? sql`${first} AS ${ident(`c${k}`)}` : sql`CASE WHEN ${prev} > 0 THEN ${first} ELSE 0 END AS ${ident(`c${k}`)}`;
  });
  return sql`WITH fr AS (${keyed}) SELECT vk, ek, bd, c1 AS t1, ${join(later.map((k) => sql`${ident(`c${k}`)} AS ${t(k)}`))} FROM (SELECT vk, ek, bd, c1, ${join(steps2)} FROM (${expanded}) AS s) AS c`;
};

/**
 * ClickHouse (18.16 and current): no window functions, so each entrant's step times are sorted
 * arrays (one per step) and each start is expanded with ARRAY JOIN; t_k is the first element of
 * step k's array after t_(k-1). Lambda parameters are all named differently (18.16, see dialect).
 */
export const clickhouseChains: ChainLeaf = (_d, { rows, steps, windowMs }) => {
  const later = range(2, steps);
  const arrays = later.map((k) => sql`arraySort(groupArrayIf(ts, ${m(k)} = 1)) AS ${ident(`a${k}`)}`);
  const perEntrant = sql`SELECT visitor_id, sk, groupArrayIf(tuple(ts, bd), st = 1) AS starts, ${join(arrays)} FROM (${rows}) AS fr GROUP BY visitor_id, sk`;
  const cols: Sql[] = [];
  for (const k of later) {
    const x = ident(`y${k}`);
    const within = windowMs === null ? keyword('') : sql` AND ${x} <= c1 + ${bindInt(windowMs)}`;
    const prev = k === 2 ? ident('c1') : ident(`c${k - 1}`);
    cols.push(sql`arrayFirst(${x} -> ${x} > ${prev}${within}, ${ident(`a${k}`)}) AS ${ident(`c${k}`)}`);
  }
  // c_k is 0 when nothing follows; a later step can then not be found either (its times are > 0 only after a hit).
  const chained = later.map((k) => {
    const reached = range(2, k).map((j) => sql`${ident(`c${j}`)} > 0`);
    return sql`if(${join(reached, ' AND ')}, ${ident(`c${k}`)}, 0) AS ${t(k)}`;
  });
  return sql`SELECT visitor_id AS vk, sk AS ek, bd, c1 AS t1, ${join(chained)} FROM (SELECT visitor_id, sk, tupleElement(st0, 2) AS bd, tupleElement(st0, 1) AS c1, ${join(cols)} FROM (${perEntrant}) AS e ARRAY JOIN starts AS st0) AS c`;
};

/** The keys (vk, ek) of an event row for the next-event lookup, `sk` being its entrant's second id. */
export type KeyLeaf = (sk: Sql) => Sql;

/** Per leaver (vk, ek, lvl, t_at, dl): `nxt`, the label of its entrant's first event after t_at up to dl, '' when none. */
export type NextLeaf = (d: Dialect, leavers: Sql, later: Sql) => Sql;

export interface FunnelLeaves {
  chains: ChainLeaf;
  keys: KeyLeaf;
  next: NextLeaf;
  /** `FROM` text: `left` LEFT JOIN `right` on equal `using` columns (subqueries with unique names but the keys). */
  leftJoinUsing(left: Sql, right: Sql, using: Sql): Sql;
  /** `FROM` text: `left` JOIN `right` on equal `using` columns, the rows that match on both sides. */
  innerJoinUsing(left: Sql, right: Sql, using: Sql): Sql;
  /** `value` of the row with the largest `by`. */
  argMax(value: Sql, by: Sql): Sql;
}

export const FUNNEL_LEAVES: Record<string, FunnelLeaves> = {
  duckdb: {
    chains: duckdbChains,
    keys: (sk) => sql`hash(visitor_id) AS vk, hash(visitor_id, ${sk}) AS ek`,
    // A hash join on the entrant's key; the earliest matching event per leaver.
    leftJoinUsing: (left, right, using) => sql`(${left}) AS l LEFT JOIN (${right}) AS r USING (${using})`,
    innerJoinUsing: (left, right, using) => sql`(${left}) AS l JOIN (${right}) AS r USING (${using})`,
    argMax: (value, by) => sql`arg_max(${value}, ${by})`,
    next: (_d, leavers, later) =>
      sql`SELECT l.ek, l.lvl, coalesce(arg_min(e.label, e.ets), '') AS nxt FROM (${leavers}) AS l LEFT JOIN (${later}) AS e ON e.ek = l.ek AND e.ets > l.t_at AND e.ets <= l.dl GROUP BY l.ek, l.lvl`,
  },
  clickhouse: {
    chains: clickhouseChains,
    keys: (sk) => sql`visitor_id AS vk, ${sk} AS ek`,
    // ALL: every matching right row, as standard SQL does (18.16 needs the strictness said).
    leftJoinUsing: (left, right, using) => sql`(${left}) AS l ALL LEFT JOIN (${right}) AS r USING (${using})`,
    innerJoinUsing: (left, right, using) => sql`(${left}) AS l ALL INNER JOIN (${right}) AS r USING (${using})`,
    argMax: (value, by) => sql`argMax(${value}, ${by})`,
    // No inequality joins on 18.16: every later event of the entrant, the earliest after t_at kept.
    next: (d, leavers, later) =>
      sql`SELECT vk, ek, lvl, ${d.argMinIf(ident('label'), ident('ets'), sql`ets > t_at AND ets <= dl`)} AS nxt FROM (${leavers}) AS l ALL LEFT JOIN (${later}) AS r USING (vk, ek) GROUP BY vk, ek, lvl`,
  },
};
