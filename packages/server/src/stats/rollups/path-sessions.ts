import type { Dialect } from '../dialect';
import { and, bindInt, bindString, join, render, sql, type CompiledSql, type Sql } from '../sql';

/**
 * Path sessions: a rollup of `events` (DuckDB only) with one row per (site, session, visitor) that has
 * page views — the session's page-view steps as paths read them (stats/paths/, README "Paths"):
 *
 *   s               every page view received up to the watermark as (t = epoch ms, l = 'p' + path),
 *                   sorted by (t, l), repeats kept: the exact input of the paths statement
 *   lo, hi          the first and last step's time
 *   labels, times   s with consecutive repeats collapsed (labels and their times); NULL when a purge
 *                   cut the session (store/duckdb/lifecycle.ts), until its next rebuild
 *   vk, sk          the session-parts rollup's 128-bit keys of the visitor and of the session
 *   batch           the watermark of the job run that wrote the row
 *
 * The job (job.ts, own watermark in `path_sessions_state`) adds the page views received in each chunk:
 * a session seen before is rewritten with its stored steps and the new ones sorted together (rows of
 * an earlier batch are then deleted), so a row always holds all of the session's page views received
 * up to the watermark. A paths statement takes a stored session's collapsed lists as they are when the
 * session lies inside the statement's window and received nothing later; the others (page views received
 * after the watermark, sessions reaching past the window's edges, rows cut by a purge) are merged from
 * their stored steps and the newer page views and collapsed on the spot, inside the same statement.
 */

export const PATHS_WATERMARK = sql`(SELECT coalesce(max(watermark), TIMESTAMP '-infinity') FROM path_sessions_state)`;

const KEYS = [sql`md5_number(visitor_id) AS vk`, sql`md5_number(concat(length(session_id), ':', session_id, visitor_id)) AS sk`];

/** A list of (t, l) structs with consecutive repeats of l dropped: each element zipped with the label before it. */
export function collapseSteps(list: Sql): Sql {
  return sql`list_transform(list_filter(list_zip(${list}, list_prepend(NULL, list_slice(list_transform(${list}, y0 -> y0.l), 1, -2))), z0 -> z0[2] IS NULL OR z0[1].l <> z0[2]), z1 -> z1[1])`;
}

const labelsOf = (k: Sql) => sql`list_transform(${k}, x1 -> x1.l)`;
const timesOf = (k: Sql) => sql`list_transform(${k}, x2 -> x2.t)`;

/** Page views of `where` as (site_id, session_id, visitor_id, vk, sk, s): one row per session, s unsorted. */
function pageViewLists(d: Dialect, where: Sql): Sql {
  const step = sql`{'t': ${d.timestampToMs(sql`ts`)}, 'l': concat('p', path)}`;
  return sql`SELECT site_id, session_id, visitor_id, ${join(KEYS)}, list(${step}) AS s FROM events WHERE ${where} AND name = 'page_view' GROUP BY site_id, session_id, visitor_id`;
}

/**
 * The job's statements for the page views received in (fromMs, toMs], in order in one transaction: the
 * touched sessions' rows written anew (stored steps and new ones sorted together), then their older rows
 * deleted, then the lists of rows a purge cut collapsed again. The first statement's row count is the
 * number of sessions written.
 */
export function compilePathSessionsBuild(d: Dialect, fromMs: number, toMs: number): CompiledSql[] {
  const batch = d.timestampFromMs(toMs);
  const fresh = pageViewLists(d, and([sql`received_at > ${d.timestampFromMs(fromMs)}`, sql`received_at <= ${batch}`]));
  const stored = sql`SELECT site_id, session_id, visitor_id, vk, sk, s FROM path_sessions AS p WHERE EXISTS (SELECT 1 FROM fresh AS f WHERE f.site_id = p.site_id AND f.sk = p.sk)`;
  const merged = sql`WITH fresh AS (${fresh}) SELECT site_id, sk, any_value(vk) AS vk, any_value(session_id) AS session_id, any_value(visitor_id) AS visitor_id, list_sort(flatten(list(s))) AS s FROM (SELECT * FROM fresh UNION ALL ${stored}) AS u GROUP BY site_id, sk`;
  const k = collapseSteps(sql`s`);
  const cols = [
    sql`site_id`,
    sql`session_id`,
    sql`visitor_id`,
    sql`vk`,
    sql`sk`,
    sql`s`,
    sql`s[1].t AS lo`,
    sql`s[len(s)].t AS hi`,
    sql`${labelsOf(k)} AS labels`,
    sql`${timesOf(k)} AS times`,
    sql`${batch} AS batch`,
  ];
  return [
    render(sql`INSERT INTO path_sessions BY NAME SELECT ${join(cols)} FROM (${merged}) AS m`, d),
    render(
      sql`DELETE FROM path_sessions WHERE batch < ${batch} AND EXISTS (SELECT 1 FROM path_sessions AS n WHERE n.batch = ${batch} AND n.site_id = path_sessions.site_id AND n.sk = path_sessions.sk)`,
      d,
    ),
    // Rows a purge cut (lifecycle.ts) get their collapsed lists back.
    render(sql`UPDATE path_sessions SET labels = ${labelsOf(k)}, times = ${timesOf(k)} WHERE labels IS NULL`, d),
  ];
}

export interface PathSessionsRead {
  siteId: string;
  /** The statement's window: steps outside it are cut (the period ± the look-around), epoch ms. */
  windowStartMs: number;
  windowEndMs: number;
  /** The period: only sessions with a step in it can hold an anchor there. */
  startMs: number;
  endMs: number;
  /** A label every served session must hold (the anchor's), or null (the entry). */
  anchorLabel: string | null;
}

/**
 * Per session with page views in the window: (vk, sk, L, T), the collapsed labels and their times of its
 * page views in the window — what the paths statement computes from `events` with `events=false` and no
 * filters, for every session that can hold an anchor in the period.
 */
export function pathSessionsLabelled(d: Dialect, r: PathSessionsRead): Sql {
  const site = sql`site_id = ${bindString(r.siteId)}`;
  const wLo = bindInt(r.windowStartMs);
  const wHi = bindInt(r.windowEndMs);
  const inWindow = and([site, sql`ts >= ${d.timestampFromMs(r.windowStartMs)}`, sql`ts < ${d.timestampFromMs(r.windowEndMs)}`]);
  const newer = sql`SELECT vk, sk, s FROM (${pageViewLists(d, and([inWindow, sql`received_at > ${PATHS_WATERMARK}`]))}) AS pv`;
  // Two scans of the stored rows, each reading only the columns it needs: the sessions taken as stored ...
  const whole = sql`SELECT vk, sk, labels AS L, times AS T FROM path_sessions WHERE ${and([
    site,
    sql`labels IS NOT NULL`,
    sql`lo >= ${wLo}`,
    sql`hi < ${wHi}`,
    sql`hi >= ${bindInt(r.startMs)}`,
    sql`lo < ${bindInt(r.endMs)}`,
    ...(r.anchorLabel === null ? [] : [sql`list_contains(labels, ${bindString(r.anchorLabel)})`]),
    sql`sk NOT IN (SELECT sk FROM nw)`,
  ])}`;
  // ... and the steps of the others, merged with the newer page views: four disjoint scans, each a
  // conjunction the scan applies before it reads the steps (an OR of them made it read every row's).
  const inside = [sql`lo >= ${wLo}`, sql`hi < ${wHi}`];
  const cut = join(
    [
      [sql`lo < ${wLo}`, sql`hi >= ${wLo}`],
      [sql`lo >= ${wLo}`, sql`lo < ${wHi}`, sql`hi >= ${wHi}`],
      [...inside, sql`labels IS NULL`],
      [...inside, sql`labels IS NOT NULL`, sql`sk IN (SELECT sk FROM nw)`],
    ].map((w) => sql`SELECT vk, sk, s FROM path_sessions WHERE ${and([site, ...w])}`),
    ' UNION ALL ',
  );
  // Steps one per row, so that the window's cut is a plain filter (no lambda over parameters).
  const steps = sql`SELECT vk, sk, unnest(s) AS e FROM (${cut} UNION ALL SELECT vk, sk, s FROM nw) AS pa`;
  const merged = sql`SELECT vk, sk, list_sort(list(e)) AS s FROM (${steps}) AS st WHERE e.t >= ${wLo} AND e.t < ${wHi} GROUP BY vk, sk`;
  const k = collapseSteps(sql`s`);
  const redone = sql`SELECT vk, sk, ${labelsOf(k)} AS L, ${timesOf(k)} AS T FROM (${merged}) AS mg`;
  return sql`WITH nw AS MATERIALIZED (${newer}) ${whole} UNION ALL ${redone}`;
}
