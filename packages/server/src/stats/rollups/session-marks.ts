import type { Dimension, FilterNode, QueryInterval } from '@tidemark/core';
import { MARKS_OPEN_SPAN_MS } from '../../store';
import type { Dialect } from '../dialect';
import type { DateRange } from '../period';
import { AGGREGATES, SESSION_DIMENSIONS, type AggName } from '../registry';
import { and, bindString, empty, ident, join, keyword, or, render, sql, type CompiledSql, type Sql } from '../sql';
import { CUBE_VALUES } from './cube';
import { compileCubeUpdate, cubeDimension, markColumn, pageContributions, sessionContributions, sessionValueColumn } from './mark-cube';

/**
 * Session marks: columns the rollup job (session-parts.ts) keeps on every stored fragment so that the
 * commonest reports — KPIs, a daily timeseries, one breakdown by a session-level dimension or by page,
 * without filters — become filtered counts over fragments instead of exact distinct counts:
 *
 *   s_start, s_dur_ms, s_pv, s_int      the whole stored session (start, duration, page_views, interactive)
 *   s_lo, s_hi                          hours of its first / last fragment
 *   s_head                              exactly one fragment per session (its first hour) carries it
 *   sv_<dimension>                      the session's value, as the fragment merge resolves it
 *   m_all                               hour of the same visitor's previous fragment (any session)
 *   m_<dimension>                       hour of the same visitor's previous fragment with the same value
 *   page_parts: sp_head, m_path         first fragment of (session, path); the visitor's previous one on the path
 *
 * "Previous" is in one total order per visitor (hour, then session key), so over a window [A, B) of
 * whole hours a visitor counts once per group at the fragment whose mark is NULL or before A, and once
 * per time bucket at the fragment whose mark lies in another bucket.
 *
 * A mark is exact for a visitor only when nothing the query sees differs from what was stored. So each
 * statement first collects `t`: visitors with events received after the watermark in the look-around
 * window, and visitors with a fragment in the period whose session reaches outside the look-around
 * (the query cuts such sessions, the stored totals do not). Those visitors go through the fragment
 * merge as before; everyone else is counted from marks. The two sets are disjoint and every aggregate
 * sums, so the result is the same number, only sooner.
 */

/** Every session-level dimension has a session value and a mark, as it has a fragment column. */
const MARKED_DIMENSIONS = SESSION_DIMENSIONS;

/** What decides whether marks serve a query (the planner passes its plan). */
export interface MarksShape {
  eventFilters: FilterNode[];
  sessionFilters: FilterNode[];
  dimensions: Dimension[];
  interval: QueryInterval | null;
}

/** Whether a plan (no filters, at most one dimension, no dimension with an interval) can be counted from marks. */
export function marksServe(plan: MarksShape): boolean {
  if (plan.eventFilters.length || plan.sessionFilters.length || plan.dimensions.length > 1) return false;
  if (!plan.dimensions.length) return true;
  const dim = plan.dimensions[0] as string;
  return plan.interval === null && (dim === 'page' || MARKED_DIMENSIONS.includes(dim));
}

export interface MarksQuery {
  siteId: string;
  range: DateRange;
  lookaroundMs: number;
  dimensions: Dimension[];
  /** Bucket expression of a timestamp column, when the plan has an interval. */
  bucket: ((column: Sql) => Sql) | null;
  aggs: AggName[];
  /** The window is whole local days of the plan's zone and the site's daily cube is complete in it. */
  daily?: boolean;
  /** The plan's time zone (the daily cube's rows are per zone). */
  timezone?: string;
}

/** The rollup's watermark (`-infinity` before the first build): events received after it are not in fragments. */
export const PARTS_WATERMARK = sql`(SELECT coalesce(max(watermark), TIMESTAMP '-infinity') FROM session_parts_state)`;

/** `t`: the visitors (vk) that must go through the fragment merge for this window. */
export function marksFallbackVisitors(d: Dialect, q: Omit<MarksQuery, 'dimensions' | 'bucket' | 'aggs'>): Sql {
  const a = d.timestampFromMs(q.range.startMs);
  const b = d.timestampFromMs(q.range.endMs);
  const lo = d.timestampFromMs(q.range.startMs - q.lookaroundMs);
  const hi = d.timestampFromMs(q.range.endMs + q.lookaroundMs);
  const site = sql`site_id = ${bindString(q.siteId)}`;
  // A fragment in the period whose session reaches outside the look-around spans more than the
  // look-around, so with one at least MARKS_OPEN_SPAN_MS long the small side table holds them all.
  const source = q.lookaroundMs >= MARKS_OPEN_SPAN_MS ? 'marks_open' : 'session_parts';
  const cut = sql`SELECT vk FROM ${ident(source)} WHERE ${site} AND hour >= ${a} AND hour < ${b} AND (s_lo IS NULL OR s_lo < ${lo} OR s_hi >= ${hi})`;
  const fresh = sql`SELECT md5_number(visitor_id) AS vk FROM events WHERE ${site} AND ts >= ${lo} AND ts < ${hi} AND received_at > ${PARTS_WATERMARK}`;
  return sql`${cut} UNION ${fresh}`;
}

/**
 * `tf`: the stored, marked fragments of `t`'s visitors that the cube counts for this window (session
 * fragments in the period, or page fragments in the period and the look-around after it).
 */
export function marksFallbackFragments(d: Dialect, q: Omit<MarksQuery, 'bucket' | 'aggs'>): Sql {
  const a = d.timestampFromMs(q.range.startMs);
  const site = sql`site_id = ${bindString(q.siteId)}`;
  if (q.dimensions[0] === 'page') {
    const hi = d.timestampFromMs(q.range.endMs + q.lookaroundMs);
    return sql`SELECT * FROM page_parts WHERE ${site} AND hour >= ${a} AND hour < ${hi} AND sp_head IS NOT NULL AND vk IN (SELECT vk FROM t)`;
  }
  const b = d.timestampFromMs(q.range.endMs);
  return sql`SELECT * FROM session_parts WHERE ${site} AND hour >= ${a} AND hour < ${b} AND s_head IS NOT NULL AND vk IN (SELECT vk FROM t)`;
}

/** Rows like the compiler's (d_0 or bucket, a_<agg>) for the visitors outside `t`, from marks. */
export function marksRows(d: Dialect, q: MarksQuery): Sql {
  return q.dimensions[0] === 'page' ? pageRows(d, q) : sessionRows(d, q);
}

const CUBE_COLUMNS = join(CUBE_VALUES.map((v) => ident(v)));

/**
 * The aggregates from cube-shaped rows; `first` selects visitors' first fragments, `ev` / `st` the halves' rows.
 * Raw-only aggregates (registry `rawOnly`) are absent: statements that need them never read marks.
 */
function cubeAggs(d: Dialect, first: Sql, ev: Sql, st: Sql): Partial<Record<AggName, Sql>> {
  return {
    visitors: d.sumIf(ident('n'), and([ev, sql`(${first})`])),
    pageviews: d.sumIf(ident('pageviews'), ev),
    events: d.sumIf(ident('events'), ev),
    sessions: d.sumIf(ident('heads'), st),
    bounces: d.sumIf(ident('bounces'), st),
    duration_ms: d.sumIf(ident('dur_ms'), st),
    session_pageviews: d.sumIf(ident('s_pv'), st),
  };
}

/** Groups only where the compiler's halves have rows: events in the period, sessions starting in it. */
function groupExists(d: Dialect, aggs: AggName[], ev: Sql, st: Sql): Sql {
  const parts: Sql[] = [];
  if (aggs.some((x) => AGGREGATES[x].level === 'event')) parts.push(sql`${d.sumIf(ident('n'), ev)} > 0`);
  if (aggs.some((x) => AGGREGATES[x].level === 'session')) parts.push(sql`${d.sumIf(ident('heads'), st)} > 0`);
  return or(parts);
}

const TRUE = keyword('TRUE');
/** Aggregates the cubes do not keep (revenue: its own part of the statement) are zeros here. */
const ZERO = keyword('0');

function sessionRows(d: Dialect, q: MarksQuery): Sql {
  const a = d.timestampFromMs(q.range.startMs);
  const b = d.timestampFromMs(q.range.endMs);
  const dim = (q.dimensions[0] as string | undefined) ?? '';
  const site = sql`site_id = ${bindString(q.siteId)}`;
  const inWindow = sql`hour >= ${a} AND hour < ${b}`;
  // Whole local days read the daily cube (its local-day marks count exactly as the hours' would).
  const cube =
    q.daily && q.timezone
      ? sql`SELECT value, day AS hour, md AS m, ${CUBE_COLUMNS} FROM mark_cube_day WHERE ${site} AND tz = ${bindString(q.timezone)} AND dim = ${bindString(cubeDimension(dim))} AND day >= ${a} AND day < ${b}`
      : sql`SELECT value, hour, m, ${CUBE_COLUMNS} FROM mark_cube WHERE ${site} AND dim = ${bindString(cubeDimension(dim))} AND ${inWindow}`;
  // The fallback visitors' fragments as the cube holds them, taken out again.
  const minus = sessionContributions(ident('tf'), dim, -1);
  let rows = sql`${cube} UNION ALL SELECT value, hour, m, ${CUBE_COLUMNS} FROM (${minus}) AS x`;
  let first = sql`m IS NULL OR m < ${a}`;
  const keys: Sql[] = [];
  const cols: Sql[] = [];
  if (dim) {
    cols.push(sql`value AS d_0`);
    keys.push(ident('d_0'));
  } else if (q.bucket) {
    // A visitor counts in a bucket at its fragment whose mark is before the bucket's first hour (in the
    // period): buckets are contiguous in time. Each hour of the period is bucketed once, not each row;
    // buckets are whole hours here (the compiler reads fragments only then), so a fragment's hour and
    // its session's start fall in the same bucket as their events.
    const hours = sql`SELECT range AS hour, ${q.bucket(ident('range'))} AS bucket FROM range(${a}, ${b}, INTERVAL 1 HOUR)`;
    const buckets = sql`SELECT hour, bucket, min(hour) OVER (PARTITION BY bucket) AS bucket_start FROM (${hours}) AS h`;
    rows = sql`SELECT * FROM (${rows}) AS r JOIN (${buckets}) AS hb USING (hour)`;
    cols.push(ident('bucket'));
    keys.push(ident('bucket'));
    first = sql`m IS NULL OR m < bucket_start`;
  }
  const agg = cubeAggs(d, first, TRUE, TRUE);
  cols.push(...q.aggs.map((x) => sql`${agg[x] ?? ZERO} AS ${ident(`a_${x}`)}`));
  const grouping = keys.length ? sql` GROUP BY ${join(keys)} HAVING ${groupExists(d, q.aggs, TRUE, TRUE)}` : empty;
  return sql`SELECT ${join(cols)} FROM (${rows}) AS c${grouping}`;
}

function pageRows(d: Dialect, q: MarksQuery): Sql {
  const a = d.timestampFromMs(q.range.startMs);
  const b = d.timestampFromMs(q.range.endMs);
  const hi = d.timestampFromMs(q.range.endMs + q.lookaroundMs);
  const site = sql`site_id = ${bindString(q.siteId)}`;
  const inWindow = sql`hour >= ${a} AND hour < ${hi}`;
  const cube = sql`SELECT path, hour, m, sh, ${CUBE_COLUMNS} FROM page_cube WHERE ${site} AND ${inWindow}`;
  const minus = pageContributions(ident('tf'), -1);
  const rows = sql`${cube} UNION ALL SELECT path, hour, m, sh, ${CUBE_COLUMNS} FROM (${minus}) AS x`;
  const inPeriod = sql`hour < ${b}`;
  // Sessions that start in the period and touch the path at any time (within the look-around, which
  // holds all of a session outside `t`), counted at their first fragment on the path.
  const starts = sql`sh >= ${a} AND sh < ${b}`;
  const agg = cubeAggs(d, sql`m IS NULL OR m < ${a}`, inPeriod, starts);
  const cols = [sql`path AS d_0`, ...q.aggs.map((x) => sql`${agg[x] ?? ZERO} AS ${ident(`a_${x}`)}`)];
  return sql`SELECT ${join(cols)} FROM (${rows}) AS c GROUP BY d_0 HAVING ${groupExists(d, q.aggs, inPeriod, starts)}`;
}

// --- the job's statements ----------------------------------------------------------------------------

/**
 * After new fragments arrive, every fragment of their visitors loses its marks (`s_lo` NULL; queries
 * then send those visitors through the merge), in the transaction that adds them.
 */
export function compileMarksInvalidate(d: Dialect, batchMs: number): CompiledSql[] {
  const touched = sql`(site_id, vk) IN (SELECT site_id, vk FROM session_parts WHERE batch = ${d.timestampFromMs(batchMs)})`;
  // Every fragment of these visitors is now unmarked, so all of them become open.
  return [sql`UPDATE session_parts SET s_lo = NULL WHERE s_lo IS NOT NULL AND ${touched}`, ...compileMarksOpenRefill(touched)].map((st) =>
    render(st, d),
  );
}

/** Refills `marks_open` for the visitors `touched`: their unmarked fragments and those of sessions spanning a day or more. */
function compileMarksOpenRefill(touched: Sql): Sql[] {
  return [
    sql`DELETE FROM marks_open WHERE ${touched}`,
    sql`INSERT INTO marks_open SELECT site_id, hour, vk, s_lo, s_hi FROM session_parts
      WHERE ${touched} AND (s_lo IS NULL OR s_hi - s_lo >= INTERVAL ${keyword(String(MARKS_OPEN_SPAN_MS / 3_600_000))} HOUR)`,
  ];
}

/** The session's value of a dimension from its fragments, as the fragment merge resolves it. */
function sessionValue(dim: string): Sql {
  const p = ident(`p_${dim}`);
  if (dim === 'entry_page') return sql`coalesce(arg_min(${p}, entry_ts) FILTER (WHERE entry_ts IS NOT NULL), '')`;
  if (dim === 'exit_page') return sql`coalesce(arg_max(${p}, exit_ts) FILTER (WHERE exit_ts IS NOT NULL), '')`;
  return sql`coalesce(arg_min(${p}, min_ts), '')`;
}

const SESSION_MARKS = [
  's_start',
  's_dur_ms',
  's_pv',
  's_int',
  's_lo',
  's_hi',
  's_head',
  ...MARKED_DIMENSIONS.map((x) => `sv_${x}`),
  'm_all',
  ...MARKED_DIMENSIONS.map((x) => `m_${x}`),
];
const PAGE_MARKS = ['s_start', 's_dur_ms', 's_pv', 's_int', 'sp_head', 'm_path'];

/**
 * Statements (one transaction) that recompute totals, session values and marks on every fragment of
 * the visitors with unmarked fragments: marks look backwards and sessions only merge within a visitor,
 * so nobody else's change. The visitors' fragments are rewritten (delete + insert: DuckDB appends far
 * faster than it updates many columns), once after a catch-up rather than per chunk, so a first build
 * over months sorts each visitor's history once.
 */
export function compileMarksBuild(d: Dialect, zones: string | null = null): CompiledSql[] {
  const dims = MARKED_DIMENSIONS;
  const touched = sql`(site_id, vk) IN (SELECT site_id, vk FROM marks_todo)`;
  const list = (names: readonly string[]) => join(names.map((n) => ident(n)));
  const fragments = sql`CREATE OR REPLACE TEMP TABLE marks_f AS SELECT rowid AS rid, * EXCLUDE (${list(SESSION_MARKS)}) FROM session_parts WHERE ${touched}`;
  const sessions = sql`CREATE OR REPLACE TEMP TABLE marks_g AS SELECT site_id, sk,
    min(min_ts) AS s_start, ${d.timestampToMs(sql`max(max_ts)`)} - ${d.timestampToMs(sql`min(min_ts)`)} AS s_dur_ms,
    sum(pageviews) AS s_pv, sum(interactive) AS s_int, min(hour) AS s_lo, max(hour) AS s_hi, arg_min(rid, hour) AS head,
    ${join(dims.map((dim) => sql`${sessionValue(dim)} AS ${sessionValueColumn(dim)}`))}
    FROM marks_f GROUP BY site_id, sk`;
  const joined = sql`CREATE OR REPLACE TEMP TABLE marks_j AS SELECT f.*, g.* EXCLUDE (site_id, sk, head), f.rid = g.head AS s_head FROM marks_f AS f JOIN marks_g AS g USING (site_id, sk)`;
  // Lags only for visitors with more than one fragment (the others have none before them).
  const lags = [
    sql`lag(hour) OVER (PARTITION BY site_id, vk ORDER BY hour, sk) AS m_all`,
    ...dims.map(
      (dim) => sql`lag(hour) OVER (PARTITION BY site_id, vk, ${sessionValueColumn(dim)} ORDER BY hour, sk) AS ${markColumn(dim)}`,
    ),
  ];
  const narrow = sql`SELECT rid, site_id, vk, sk, hour, ${join(dims.map(sessionValueColumn))} FROM marks_j WHERE (site_id, vk) IN (SELECT site_id, vk FROM marks_f GROUP BY site_id, vk HAVING count(*) > 1)`;
  const marks = sql`CREATE OR REPLACE TEMP TABLE marks_m AS SELECT rid, ${join(lags)} FROM (${narrow}) AS n`;
  const pages = sql`CREATE OR REPLACE TEMP TABLE marks_p AS SELECT p.* EXCLUDE (${list(PAGE_MARKS)}), g.s_start, g.s_dur_ms, g.s_pv, g.s_int,
    row_number() OVER (PARTITION BY p.site_id, p.sk, p.path ORDER BY p.hour) = 1 AS sp_head,
    lag(p.hour) OVER (PARTITION BY p.site_id, p.vk, p.path ORDER BY p.hour, p.sk) AS m_path
    FROM page_parts AS p JOIN marks_g AS g ON g.site_id = p.site_id AND g.sk = p.sk
    WHERE (p.site_id, p.vk) IN (SELECT site_id, vk FROM marks_todo)`;
  const cube = compileCubeUpdate(zones);
  const statements = [
    sql`CREATE OR REPLACE TEMP TABLE marks_todo AS SELECT DISTINCT site_id, vk FROM session_parts WHERE s_lo IS NULL`,
    ...cube.before,
    fragments,
    sessions,
    joined,
    marks,
    pages,
    sql`DELETE FROM session_parts WHERE ${touched}`,
    sql`INSERT INTO session_parts BY NAME SELECT j.* EXCLUDE (rid), m.* EXCLUDE (rid) FROM marks_j AS j LEFT JOIN marks_m AS m USING (rid)`,
    sql`DELETE FROM page_parts WHERE ${touched}`,
    sql`INSERT INTO page_parts BY NAME SELECT * FROM marks_p`,
    ...compileMarksOpenRefill(touched),
    ...cube.after,
    ...['marks_todo', 'marks_f', 'marks_g', 'marks_j', 'marks_m', 'marks_p'].map((t) => sql`DROP TABLE ${ident(t)}`),
  ];
  return statements.map((st) => render(st, d));
}

/** Columns the marks add to `session_parts` and `page_parts` (after the fragment columns). */
export const MARK_COLUMNS = { session: SESSION_MARKS, page: PAGE_MARKS } as const;
