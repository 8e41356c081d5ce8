import { join, keyword, sql, type Sql } from '../sql';

/**
 * What the hourly (mark-cube.ts) and daily (mark-cube-day.ts) marks cubes share: their value columns,
 * how they are added up, and how a cube grown by appended deltas is compacted.
 */

/** Per key: fragments `n`, their events and page_views, and over the fragments carrying a session its sessions, bounces, duration and page_views. */
export const CUBE_VALUES = ['n', 'events', 'pageviews', 'heads', 'bounces', 'dur_ms', 's_pv'] as const;

/** The cube values added up (`sum(n) AS n, …`), and the condition that keeps a group whose sums are not all zero. */
export const cubeSums = () => join(CUBE_VALUES.map((v) => sql`sum(${keyword(v)}) AS ${keyword(v)}`));
export const cubeNonzero = () =>
  join(
    CUBE_VALUES.map((v) => sql`sum(${keyword(v)}) <> 0`),
    ' OR ',
  );

/**
 * Once appended deltas have grown a cube by a fifth, it is added up again, sorted so that a
 * dimension's hours (days) are contiguous (zone maps then skip the rest). `id` names it in mark_cube_state.
 */
export function compactCube(table: string, keys: string, id: number): Sql[] {
  const nonzero = cubeNonzero();
  const go = sql`(SELECT count(*) FROM ${keyword(table)}) > 1.2 * (SELECT coalesce(max(rows), 0) FROM mark_cube_state WHERE id = ${keyword(String(id))}) + 10000`;
  return [
    sql`CREATE OR REPLACE TEMP TABLE marks_go AS SELECT ${go} AS go`,
    sql`CREATE OR REPLACE TEMP TABLE marks_sum AS SELECT ${keyword(keys)}, ${cubeSums()} FROM ${keyword(table)} WHERE (SELECT go FROM marks_go) GROUP BY ${keyword(keys)} HAVING ${nonzero}`,
    sql`DELETE FROM ${keyword(table)} WHERE (SELECT go FROM marks_go)`,
    sql`INSERT INTO ${keyword(table)} BY NAME SELECT * FROM marks_sum ORDER BY ${keyword(keys)}`,
    sql`INSERT OR REPLACE INTO mark_cube_state SELECT ${keyword(String(id))}, (SELECT count(*) FROM ${keyword(table)}) FROM marks_go WHERE go`,
    sql`DROP TABLE marks_sum`,
    sql`DROP TABLE marks_go`,
  ];
}
