import type { Dialect } from './dialect';
import { DIMENSION_DEFS } from './registry';
import { ident, join, keyword, render, sql, type CompiledSql, type Sql } from './sql';

/**
 * The marks cube: fragments' contributions pre-added per (site, dimension, value, hour, mark), so a
 * report reads ~10x fewer rows than there are fragments (most fragments of an hour share their value
 * and have no mark, or the same one). `mark_cube` holds, per key, the number of fragments `n`, their
 * events and page_views, and over the fragments that carry their session (`s_head`) the sessions,
 * bounces, duration and session page_views. Dimension '' (value '') is every fragment (`m_all`).
 * `page_cube` does the same for page fragments per (site, path, hour, m_path, sh), sh being the hour
 * of the session's start on the fragment that carries the session for the path (`sp_head`).
 *
 * Maintained by the marks pass (session-marks.ts) with signed rows: the old contributions of the
 * fragments it rewrites are added negated, the new ones positively, and the touched hours are added
 * up again, so the cube always equals the contributions of the fragments that are marked
 * (`s_head IS NOT NULL`). A query subtracts the contributions of its fallback visitors (from their
 * fragments' current columns, which are what the cube holds for them) and adds their merged rows.
 */

const CUBE_DIMENSIONS: readonly string[] = Object.entries(DIMENSION_DEFS)
  .filter(([, def]) => def.level === 'session')
  .map(([name]) => name);

export const CUBE_VALUES = ['n', 'events', 'pageviews', 'heads', 'bounces', 'dur_ms', 's_pv'] as const;

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
  const value = dim ? ident(`sv_${dim}`) : keyword("''");
  const mark = ident(dim ? `m_${dim}` : 'm_all');
  const name = keyword(`'${dim}'`);
  return sql`SELECT site_id, ${name} AS dim, ${value} AS value, hour, ${mark} AS m, ${join(values(sign, keyword('s_head')))} FROM ${from}`;
}

/** Contribution rows (site_id, path, hour, m, sh, values) of page fragments `from`. */
export function pageContributions(from: Sql, sign: 1 | -1): Sql {
  return sql`SELECT site_id, path, hour, m_path AS m, CASE WHEN sp_head THEN date_trunc('hour', s_start) END AS sh, ${join(values(sign, keyword('sp_head')))} FROM ${from}`;
}

const sums = () => join(CUBE_VALUES.map((v) => sql`sum(${keyword(v)}) AS ${keyword(v)}`));

/**
 * The cube's part of the marks pass: `before` runs before the visitors in `marks_todo` are rewritten
 * (their old, marked contributions out), `after` once they are (new ones in, touched hours re-added).
 */
export function compileCubeUpdate(d: Dialect): { before: CompiledSql[]; after: CompiledSql[] } {
  const todo = sql`(site_id, vk) IN (SELECT site_id, vk FROM marks_todo)`;
  const sessionsOf = (where: Sql) => join(['', ...CUBE_DIMENSIONS].map((dim) => sessionContributions(sql`session_parts WHERE ${where}`, dim, 1)), ' UNION ALL ');
  const grouped = (rows: Sql, keys: string) => sql`SELECT ${keyword(keys)}, ${sums()} FROM (${rows}) AS c GROUP BY ${keyword(keys)}`;
  const sKeys = 'site_id, dim, value, hour, m';
  const pKeys = 'site_id, path, hour, m, sh';
  const negate = (table: string, keys: string) => sql`INSERT INTO ${keyword(table)} BY NAME SELECT ${keyword(keys)}, ${join(CUBE_VALUES.map((v) => sql`-${keyword(v)} AS ${keyword(v)}`))} FROM marks_old_${keyword(table)}`;
  const before = [
    sql`CREATE OR REPLACE TEMP TABLE marks_old_mark_cube AS ${grouped(sessionsOf(sql`${todo} AND s_head IS NOT NULL`), sKeys)}`,
    sql`CREATE OR REPLACE TEMP TABLE marks_old_page_cube AS ${grouped(pageContributions(sql`page_parts WHERE ${todo} AND sp_head IS NOT NULL`, 1), pKeys)}`,
  ];
  const readd = (table: string, keys: string) => [
    sql`CREATE OR REPLACE TEMP TABLE marks_sum AS SELECT ${keyword(keys)}, ${sums()} FROM ${keyword(table)} WHERE (site_id, hour) IN (SELECT DISTINCT site_id, hour FROM marks_touched) GROUP BY ${keyword(keys)} HAVING sum(n) <> 0`,
    sql`DELETE FROM ${keyword(table)} WHERE (site_id, hour) IN (SELECT DISTINCT site_id, hour FROM marks_touched)`,
    sql`INSERT INTO ${keyword(table)} BY NAME SELECT * FROM marks_sum`,
    sql`DROP TABLE marks_sum`,
  ];
  const after = [
    negate('mark_cube', sKeys),
    sql`INSERT INTO mark_cube BY NAME ${grouped(sessionsOf(todo), sKeys)}`,
    sql`CREATE OR REPLACE TEMP TABLE marks_touched AS SELECT DISTINCT site_id, hour FROM session_parts WHERE ${todo}`,
    ...readd('mark_cube', sKeys),
    negate('page_cube', pKeys),
    sql`INSERT INTO page_cube BY NAME ${grouped(pageContributions(sql`page_parts WHERE ${todo}`, 1), pKeys)}`,
    ...readd('page_cube', pKeys),
    sql`DROP TABLE marks_touched`,
    sql`DROP TABLE marks_old_mark_cube`,
    sql`DROP TABLE marks_old_page_cube`,
  ];
  return { before: before.map((s) => render(s, d)), after: after.map((s) => render(s, d)) };
}
