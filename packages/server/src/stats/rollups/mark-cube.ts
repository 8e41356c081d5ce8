import { SESSION_DIMENSIONS } from '../registry';
import { ident, join, keyword, sql, type Sql } from '../sql';
import { compactCube, CUBE_VALUES, cubeNonzero, cubeSums } from './cube';
import { compileDayCubeUpdate } from './mark-cube-day';

/**
 * The marks cube: fragments' contributions pre-added per (site, dimension, value, hour, mark), so a
 * report reads ~10x fewer rows than there are fragments (most fragments of an hour share their value
 * and have no mark, or the same one). `mark_cube` holds, per key, the number of fragments `n`, their
 * events and page_views, and over the fragments that carry their session (`s_head`) the sessions,
 * bounces, duration and session page_views. Dimension 'all' (value '') is every fragment (`m_all`).
 * `page_cube` does the same for page fragments per (site, path, hour, m_path, sh), sh being the hour
 * of the session's start on the fragment that carries the session for the path (`sp_head`).
 *
 * Maintained by the marks pass (session-marks.ts) with signed rows: the net change per key between
 * the old and new contributions of the fragments it rewrites is appended, and the table is added up
 * again (sorted) once it has grown by a fifth, so the cube always sums to the contributions of the fragments that are marked
 * (`s_head IS NOT NULL`). A query subtracts the contributions of its fallback visitors (from their
 * fragments' current columns, which are what the cube holds for them) and adds their merged rows.
 */

/** A fragment's mark and session value columns for a session-level dimension. */
export const markColumn = (dim: string) => ident(`m_${dim}`);
export const sessionValueColumn = (dim: string) => ident(`sv_${dim}`);

/**
 * The cube's name for a dimension; every fragment (no dimension) is 'all', not '': DuckDB's zone maps
 * then skip the other dimensions' rows for it too.
 */
export const cubeDimension = (dim: string) => dim || 'all';

/** One fragment's contribution columns; `sign` is 1 or -1. */
function values(sign: 1 | -1, head: Sql): Sql[] {
  const s = keyword(String(sign));
  return [
    sql`${s} AS n`,
    sql`${s} * events AS events`,
    sql`${s} * pageviews AS pageviews`,
    sql`${s} * CAST(${head} AS BIGINT) AS heads`,
    sql`${s} * CAST(${head} AND s_pv = 1 AND s_int = 0 AS BIGINT) AS bounces`,
    sql`${s} * CASE WHEN ${head} THEN s_dur_ms ELSE 0 END AS dur_ms`,
    sql`${s} * CASE WHEN ${head} THEN s_pv ELSE 0 END AS s_pv`,
  ];
}

/** Contribution rows (site_id, dim, value, hour, m, values) of session fragments `from` for `dim` ('' = all). */
export function sessionContributions(from: Sql, dim: string, sign: 1 | -1): Sql {
  const value = dim ? sessionValueColumn(dim) : keyword("''");
  const mark = dim ? markColumn(dim) : ident('m_all');
  const name = keyword(`'${cubeDimension(dim)}'`);
  return sql`SELECT site_id, ${name} AS dim, ${value} AS value, hour, ${mark} AS m, ${join(values(sign, keyword('s_head')))} FROM ${from}`;
}

/** Contribution rows (site_id, path, hour, m, sh, values) of page fragments `from`. */
export function pageContributions(from: Sql, sign: 1 | -1): Sql {
  return sql`SELECT site_id, path, hour, m_path AS m, CASE WHEN sp_head THEN date_trunc('hour', s_start) END AS sh, ${join(values(sign, keyword('sp_head')))} FROM ${from}`;
}

/**
 * The cube's part of the marks pass: `before` runs before the visitors in `marks_todo` are rewritten
 * (their old, marked contributions out), `after` once they are (new ones in, touched hours re-added).
 */
export function compileCubeUpdate(zones: string | null = null): { before: Sql[]; after: Sql[] } {
  const todo = sql`(site_id, vk) IN (SELECT site_id, vk FROM marks_todo)`;
  const sessionsOf = (where: Sql) =>
    join(
      ['', ...SESSION_DIMENSIONS].map((dim) => sessionContributions(sql`session_parts WHERE ${where}`, dim, 1)),
      ' UNION ALL ',
    );
  const grouped = (rows: Sql, keys: string) => sql`SELECT ${keyword(keys)}, ${cubeSums()} FROM (${rows}) AS c GROUP BY ${keyword(keys)}`;
  const sKeys = 'site_id, dim, hour, value, m';
  const pKeys = 'site_id, hour, path, m, sh';
  const before = [
    sql`CREATE OR REPLACE TEMP TABLE marks_old_mark_cube AS ${grouped(sessionsOf(sql`${todo} AND s_head IS NOT NULL`), sKeys)}`,
    sql`CREATE OR REPLACE TEMP TABLE marks_old_page_cube AS ${grouped(pageContributions(sql`page_parts WHERE ${todo} AND sp_head IS NOT NULL`, 1), pKeys)}`,
  ];
  const nonzero = cubeNonzero();
  // Net change per key (the rewritten fragments mostly contribute what they did before), appended.
  const delta = (table: string, keys: string, fresh: Sql) => [
    sql`CREATE OR REPLACE TEMP TABLE marks_delta_${keyword(table)} AS SELECT ${keyword(keys)}, ${cubeSums()} FROM (${fresh} UNION ALL SELECT ${keyword(keys)}, ${join(CUBE_VALUES.map((v) => sql`-${keyword(v)} AS ${keyword(v)}`))} FROM marks_old_${keyword(table)}) AS c GROUP BY ${keyword(keys)} HAVING ${nonzero}`,
    sql`INSERT INTO ${keyword(table)} BY NAME SELECT * FROM marks_delta_${keyword(table)} ORDER BY ${keyword(keys)}`,
  ];
  const after = [
    ...delta('mark_cube', sKeys, grouped(sessionsOf(todo), sKeys)),
    ...compactCube('mark_cube', sKeys, 1),
    // The daily cube follows the hourly one (mark-cube-day.ts), when the sites' zones are known.
    ...(zones === null ? [] : compileDayCubeUpdate(zones)),
    ...delta('page_cube', pKeys, grouped(pageContributions(sql`page_parts WHERE ${todo}`, 1), pKeys)),
    ...compactCube('page_cube', pKeys, 2),
    ...['marks_old_mark_cube', 'marks_old_page_cube', 'marks_delta_mark_cube', 'marks_delta_page_cube'].map(
      (t) => sql`DROP TABLE ${keyword(t)}`,
    ),
  ];
  return { before, after };
}
