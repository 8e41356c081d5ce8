import type { Dialect } from '../dialect';
import { bindInt, ident, join, keyword, sql, type Sql } from '../sql';

/**
 * The engine-specific leaf of a funnel: from the step rows (see compile.ts: visitor_id, sk, ts in ms,
 * m1..mn flags, st = this row may start the funnel, bd = breakdown value) to one row per start:
 * visitor_id, sk, bd, t1..tn where t_k is the time (ms) of the earliest step-k event after t_(k-1),
 * within `windowMs` of t1 when given, and 0 when step k was not reached (nor any later one).
 *
 * Without a window (the session is the window) the earliest start of an entrant reaches at least as
 * far as any later one, so only it is followed; the result is the same, the work much smaller.
 */
export interface ChainSpec {
  rows: Sql;
  steps: number;
  windowMs: number | null;
}

export type ChainLeaf = (d: Dialect, spec: ChainSpec) => Sql;

const t = (k: number) => ident(`t${k}`);
const m = (k: number) => ident(`m${k}`);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * DuckDB: starts joined to the entrant's later step rows, then one window pass per step: t_k is the
 * smallest ts of a step-k row after t_(k-1) in the start's partition.
 */
export const duckdbChains: ChainLeaf = (_d, { rows, steps, windowMs }) => {
  const keys = sql`visitor_id, sk, bd, t1`;
  const starts =
    windowMs === null
      ? sql`SELECT visitor_id, sk, bd, min(ts) AS t1 FROM fr WHERE st = 1 GROUP BY visitor_id, sk, bd`
      : sql`SELECT DISTINCT visitor_id, sk, bd, ts AS t1 FROM fr WHERE st = 1`;
  const within = windowMs === null ? keyword('') : sql` AND r.ts <= s.t1 + ${bindInt(windowMs)}`;
  const later = range(2, steps);
  let layer = sql`SELECT s.visitor_id, s.sk, s.bd, s.t1, r.ts, ${join(later.map((k) => sql`r.${m(k)}`))} FROM (${starts}) AS s LEFT JOIN fr AS r ON r.visitor_id = s.visitor_id AND r.sk = s.sk AND r.ts > s.t1${within}`;
  for (const k of later) {
    const after = k === 2 ? keyword('TRUE') : sql`ts > ${t(k - 1)} AND ${t(k - 1)} > 0`;
    layer = sql`SELECT *, coalesce(min(CASE WHEN ${m(k)} = 1 AND ${after} THEN ts END) OVER (PARTITION BY ${keys}), 0) AS ${t(k)} FROM (${layer}) AS l${keyword(String(k))}`;
  }
  const out = later.map((k) => sql`max(${t(k)}) AS ${t(k)}`);
  return sql`WITH fr AS (${rows}) SELECT ${keys}, ${join(out)} FROM (${layer}) AS c GROUP BY ${keys}`;
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
  return sql`SELECT visitor_id, sk, bd, c1 AS t1, ${join(chained)} FROM (SELECT visitor_id, sk, tupleElement(st0, 2) AS bd, tupleElement(st0, 1) AS c1, ${join(cols)} FROM (${perEntrant}) AS e ARRAY JOIN starts AS st0) AS c`;
};

export const CHAIN_LEAVES: Record<string, ChainLeaf> = { duckdb: duckdbChains, clickhouse: clickhouseChains };
