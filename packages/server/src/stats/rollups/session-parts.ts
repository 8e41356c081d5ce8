import type { Dialect } from '../dialect';
import type { DateRange } from '../period';
import { SESSION_DIMENSIONS, dimensionDef, isInteractive } from '../registry';
import { and, bindString, empty, ident, join, render, sql, type CompiledSql, type Sql } from '../sql';
import { compileMarksInvalidate, MARK_COLUMNS, PARTS_WATERMARK as WATERMARK } from './session-marks';

/**
 * Session parts: a rollup of `events` (DuckDB only) with one row per (site, session, visitor, UTC hour
 * of the event time) — a mergeable fragment of a session. Merging a session's fragments gives exactly
 * what the session subquery computes from its events, so plans read fragments instead of re-deriving
 * every session from raw events:
 *
 *   events, pageviews, interactive      counts over the fragment's events (sums merge)
 *   min_ts, max_ts                      first / last event time (min / max merge)
 *   entry_ts, exit_ts                   first / last page_view time, NULL without page_views
 *   p_<dimension>                       each session-level dimension's own expression (registry.ts) over
 *                                       the fragment's events — the same aggregate, so the same value
 *                                       and tie-break as on raw events; a session takes the value of
 *                                       the fragment holding its first event (first / last page_view)
 *   vk, sk                              128-bit keys of the visitor and of the session
 *   solo                                the session has no other stored fragment
 *
 * `page_parts` splits the same fragments by path (events and page_views per path).
 *
 * A background job (job.ts) builds fragments from events received up to a
 * watermark (`session_parts_state`); events received later are aggregated the same way from `events`
 * at query time and stacked on, inside the same statement (one snapshot), so results are exact and
 * current. Fragments are whole UTC hours, so they serve periods whose edges are whole UTC hours (the
 * look-around of 24 h keeps them whole); others, and queries with event-level filters, read events.
 */

const HOUR_MS = 3_600_000;

/** Which fragment time a session-level dimension's fragment value is merged by. */
type MergeBy = 'first_event' | 'first_pageview' | 'last_pageview';
const MERGE_BY: Partial<Record<string, MergeBy>> = { entry_page: 'first_pageview', exit_page: 'last_pageview' };

/** Every session-level dimension, in registry order: each has a `p_<name>` column. */
export const PART_DIMENSIONS: readonly string[] = SESSION_DIMENSIONS;

export const partColumn = (dim: string) => ident(`p_${dim}`);

/** Columns of `page_parts`. */
export const PAGE_PART_COLUMNS: readonly string[] = [
  'site_id',
  'hour',
  'session_id',
  'visitor_id',
  'vk',
  'sk',
  'path',
  'events',
  'pageviews',
  ...MARK_COLUMNS.page,
];

/** Columns of `session_parts` after the keys (site_id, hour, session_id, visitor_id). */
export const PART_VALUE_COLUMNS: readonly string[] = [
  'vk',
  'sk',
  'events',
  'pageviews',
  'interactive',
  'min_ts',
  'max_ts',
  'entry_ts',
  'exit_ts',
  ...PART_DIMENSIONS.map((d) => `p_${d}`),
  'solo',
  'batch',
  ...MARK_COLUMNS.session,
];

const isPageview = sql`name = 'page_view'`;
const ts = ident('ts');

/** Aggregates over the events of one fragment (grouped by site, session, visitor, hour). */
function fragmentColumns(d: Dialect, dims: readonly string[]): Sql[] {
  const cols = [
    sql`count(*) AS events`,
    sql`${d.countIf(isPageview)} AS pageviews`,
    sql`${d.countIf(isInteractive())} AS interactive`,
    sql`min(${ts}) AS min_ts`,
    sql`max(${ts}) AS max_ts`,
    sql`min(${ts}) FILTER (WHERE ${isPageview}) AS entry_ts`,
    sql`max(${ts}) FILTER (WHERE ${isPageview}) AS exit_ts`,
  ];
  for (const dim of dims) cols.push(sql`${dimensionDef(dim).session!(d)} AS ${partColumn(dim)}`);
  return cols;
}

const hourOf = sql`date_trunc('hour', ts)`;

/**
 * 128-bit keys of the visitor and of the session (length-prefixed, so no two (session, visitor) pairs
 * give the same text): grouping and distinct counts on them are several times faster than on the
 * strings. Distinct MD5 values for distinct texts are assumed, as UUIDs are assumed unique.
 */
const KEY_COLUMNS = [sql`md5_number(visitor_id) AS vk`, sql`md5_number(concat(length(session_id), ':', session_id, visitor_id)) AS sk`];

/**
 * The job's statements, run in order in one transaction: fragments of the events received in
 * (fromMs, toMs] (epoch ms) into `session_parts` and `page_parts` (the same fragments split by path:
 * events and page_views per path, for the page breakdown), then `solo` cleared on every fragment of a
 * session that now has more than one. The first statement's row count is the number of fragments.
 */
export function compilePartsBuild(d: Dialect, fromMs: number, toMs: number): CompiledSql[] {
  const where = and([sql`received_at > ${d.timestampFromMs(fromMs)}`, sql`received_at <= ${d.timestampFromMs(toMs)}`]);
  const keys = [ident('site_id'), sql`${hourOf} AS hour`, ident('session_id'), ident('visitor_id'), ...KEY_COLUMNS];
  const sessionCols = [...keys, ...fragmentColumns(d, PART_DIMENSIONS), sql`TRUE AS solo`, sql`${d.timestampFromMs(toMs)} AS batch`];
  const pageCols = [...keys, ident('path'), ...PAGE_COLUMNS(d)];
  const sharedSessions = sql`SELECT site_id, sk FROM session_parts WHERE sk IN (SELECT sk FROM session_parts WHERE batch = ${d.timestampFromMs(toMs)}) GROUP BY site_id, sk HAVING count(*) > 1`;
  return [
    render(
      sql`INSERT INTO session_parts BY NAME SELECT ${join(sessionCols)} FROM events WHERE ${where} GROUP BY site_id, hour, session_id, visitor_id`,
      d,
    ),
    render(
      sql`INSERT INTO page_parts BY NAME SELECT ${join(pageCols)} FROM events WHERE ${where} GROUP BY site_id, hour, session_id, visitor_id, path`,
      d,
    ),
    render(sql`UPDATE session_parts SET solo = FALSE WHERE solo AND (site_id, sk) IN (${sharedSessions})`, d),
    ...compileMarksInvalidate(d, toMs),
  ];
}

const PAGE_COLUMNS = (d: Dialect) => [sql`count(*) AS events`, sql`${d.countIf(isPageview)} AS pageviews`];

/** Fragments of one site in [loMs, hiMs): stored ones and those of the events after the watermark. */
function fragments(
  d: Dialect,
  table: 'session_parts' | 'page_parts',
  siteId: string,
  loMs: number,
  hiMs: number,
  cols: Sql[],
  fresh: Sql[],
  visitors: Sql,
): Sql {
  const lo = d.timestampFromMs(loMs);
  const hi = d.timestampFromMs(hiMs);
  const site = sql`site_id = ${bindString(siteId)}`;
  const names = join(cols);
  const stored = sql`SELECT sk, vk, hour, ${names} FROM ${ident(table)} WHERE ${and([site, sql`hour >= ${lo}`, sql`hour < ${hi}`, visitors])}`;
  const byPath = table === 'page_parts' ? sql`, path` : empty;
  const computed = sql`SELECT ${join(KEY_COLUMNS)}, ${hourOf} AS hour${byPath}, ${join(fresh)} FROM events WHERE ${site} AND ts >= ${lo} AND ts < ${hi} AND received_at > ${WATERMARK} GROUP BY session_id, visitor_id, hour${byPath}`;
  return sql`${stored} UNION ALL SELECT sk, vk, hour, ${names} FROM (${computed}) AS n`;
}

/**
 * Event rows for plans reading parts: one row per fragment (per path with `page`), with
 * session_id = sk, visitor_id = vk, hour (bucketed like ts), path, events and pageviews counts.
 * `visitors` (a condition on `vk`) narrows the stored fragments; events after the watermark are all read.
 */
export function partsEventRows(d: Dialect, siteId: string, loMs: number, hiMs: number, page: boolean, visitors: Sql = empty): Sql {
  const cols = page ? [ident('path'), ident('events'), ident('pageviews')] : [ident('events'), ident('pageviews')];
  const fresh = PAGE_COLUMNS(d);
  const rows = fragments(d, page ? 'page_parts' : 'session_parts', siteId, loMs, hiMs, cols, fresh, visitors);
  return sql`SELECT sk AS session_id, vk AS visitor_id, hour, ${join(cols)} FROM (${rows}) AS r`;
}

/** Whether fragments can serve a range: both edges on whole UTC hours. */
export function partsCover(range: DateRange): boolean {
  return range.startMs % HOUR_MS === 0 && range.endMs % HOUR_MS === 0;
}

export interface PartsSessionNeeds {
  siteId: string;
  /** Period (event counts in it: s_ev_in, s_pv_in). */
  range: DateRange;
  lookaroundMs: number;
  sessionDims: readonly string[];
  eventCounts: boolean;
  /** A condition on `vk` narrowing the stored fragments (events after the watermark are all read). */
  visitors?: Sql;
}

/**
 * The session subquery (same columns as Compiler.sessionSubquery without event filters) from
 * fragments: stored ones in the look-around window plus fragments of the events received after the
 * watermark, computed on the spot. A session with a single fragment (most) is that fragment. Otherwise, numbers merge with sum/min/max; dimension values are
 * not carried through the GROUP BY (arg_min over strings is slow) but read back from the fragment that
 * holds the session's first event (first page_view, last page_view), found by its numeric id.
 */
export function partsSessionSubquery(d: Dialect, n: PartsSessionNeeds): Sql {
  const valueCols = [
    ident('events'),
    ident('pageviews'),
    ident('interactive'),
    ident('min_ts'),
    ident('max_ts'),
    ident('entry_ts'),
    ident('exit_ts'),
    ...n.sessionDims.map(partColumn),
  ];
  const lo = d.timestampFromMs(n.range.startMs - n.lookaroundMs);
  const hi = d.timestampFromMs(n.range.endMs + n.lookaroundMs);
  const site = sql`site_id = ${bindString(n.siteId)}`;
  const stored = and([site, sql`hour >= ${lo}`, sql`hour < ${hi}`, n.visitors ?? empty]);
  const names = join(valueCols);
  // Fragments of the events after the watermark (`n`). A stored solo fragment is a whole session unless
  // `n` adds to it; every other fragment (`f`, small) goes through the merge.
  const computed = sql`SELECT ${join(KEY_COLUMNS)}, ${hourOf} AS hour, ${join(fragmentColumns(d, n.sessionDims))} FROM events WHERE ${site} AND ts >= ${lo} AND ts < ${hi} AND received_at > ${WATERMARK} GROUP BY session_id, visitor_id, hour`;
  const merging = sql`SELECT rowid AS fid, sk, vk, hour, ${names} FROM session_parts WHERE ${stored} AND (NOT solo OR sk IN (SELECT sk FROM n)) UNION ALL SELECT -row_number() OVER () AS fid, sk, vk, hour, ${names} FROM n`;
  const inPeriod = sql`hour >= ${d.timestampFromMs(n.range.startMs)} AND hour < ${d.timestampFromMs(n.range.endMs)}`;

  // Keys stand in for the ids (session_id = sk, visitor_id = vk): no plan reading these rows joins them to events.
  const single: Sql[] = [
    sql`sk AS session_id`,
    sql`vk AS visitor_id`,
    sql`min_ts AS s_start`,
    sql`${d.timestampToMs(ident('max_ts'))} - ${d.timestampToMs(ident('min_ts'))} AS s_duration_ms`,
    sql`pageviews AS s_pageviews`,
    sql`interactive AS s_interactive`,
  ];
  const cols: Sql[] = [
    sql`sk AS session_id`,
    sql`min(vk) AS visitor_id`,
    sql`min(min_ts) AS s_start`,
    sql`${d.timestampToMs(sql`max(max_ts)`)} - ${d.timestampToMs(sql`min(min_ts)`)} AS s_duration_ms`,
    sql`sum(pageviews) AS s_pageviews`,
    sql`sum(interactive) AS s_interactive`,
  ];
  const outer: Sql[] = ['session_id', 'visitor_id', 's_start', 's_duration_ms', 's_pageviews', 's_interactive'].map(
    (c) => sql`g.${ident(c)}`,
  );
  if (n.eventCounts) {
    single.push(
      sql`CASE WHEN ${inPeriod} THEN events ELSE 0 END AS s_ev_in`,
      sql`CASE WHEN ${inPeriod} THEN pageviews ELSE 0 END AS s_pv_in`,
    );
    cols.push(
      sql`coalesce(sum(events) FILTER (WHERE ${inPeriod}), 0) AS s_ev_in`,
      sql`coalesce(sum(pageviews) FILTER (WHERE ${inPeriod}), 0) AS s_pv_in`,
    );
    outer.push(sql`g.s_ev_in`, sql`g.s_pv_in`);
  }
  const joins: Sql[] = [];
  const by = new Set(n.sessionDims.map((dim) => MERGE_BY[dim] ?? 'first_event'));
  for (const m of by) {
    const alias = ident(`f_${m}`);
    cols.push(sql`${FRAGMENT_PICK[m]} AS ${alias}`);
    joins.push(sql` LEFT JOIN f AS ${ident(`j_${m}`)} ON ${ident(`j_${m}`)}.fid = g.${alias}`);
  }
  for (const dim of n.sessionDims) {
    if (!PART_DIMENSIONS.includes(dim)) throw new Error(`dimension ${dim} has no session part`);
    single.push(sql`${partColumn(dim)} AS ${ident(`sd_${dim}`)}`);
    outer.push(sql`coalesce(${ident(`j_${MERGE_BY[dim] ?? 'first_event'}`)}.${partColumn(dim)}, '') AS ${ident(`sd_${dim}`)}`);
  }
  const grouped = sql`SELECT ${join(cols)} FROM f GROUP BY sk`;
  const merged = sql`SELECT ${join(outer)} FROM (${grouped}) AS g${join(joins, '')}`;
  const alone = sql`SELECT ${join(single)} FROM session_parts WHERE ${stored} AND solo AND sk NOT IN (SELECT sk FROM n)`;
  return sql`WITH n AS MATERIALIZED (${computed}), f AS MATERIALIZED (${merging}) ${alone} UNION ALL ${merged}`;
}

/** The id of the fragment holding the session's first event / first page_view / last page_view. */
const FRAGMENT_PICK: Record<MergeBy, Sql> = {
  first_event: sql`arg_min(fid, min_ts)`,
  first_pageview: sql`arg_min(fid, entry_ts) FILTER (WHERE entry_ts IS NOT NULL)`,
  last_pageview: sql`arg_max(fid, exit_ts) FILTER (WHERE exit_ts IS NOT NULL)`,
};
