import { bindString, join, keyword, sql, type Sql } from '../sql';
import { compactCube, CUBE_VALUES, cubeNonzero, cubeSums } from './cube';

/**
 * The daily marks cube: `mark_cube` added up per local day of each site's time zone, with the marks
 * rounded to their local day too (`md`). For a window of whole local days [A, B) — every period of the
 * dashboard but "today" — a mark is before A exactly when its local day is, and before a day, week or
 * month bucket exactly when its local day is; so the same counts come from 10-100x fewer rows.
 *
 * Kept by the marks pass from the hourly cube's net change (`marks_delta_mark_cube`), per (site, tz). The
 * sites' zones come from the metadata store as a bound string. A site whose zone is new or changed is
 * rebuilt in the new zone from the whole hourly cube; the rows of its previous zone are still kept up
 * to date in that pass and deleted in the next, so a report that read the state just before sees a
 * complete cube. `mark_cube_day_state` names the zone a site's rows are complete for.
 */

export const DAY_KEYS = 'site_id, tz, dim, day, value, md';

const FIELD = '\x1f';
const RECORD = '\x1e';
// biome-ignore lint/suspicious/noControlCharactersInRegex: zone names are packed with control characters as separators
const CONTROL = /[\x00-\x1f]/;

/** Sites' zones as one bound value (site id and zone unit-separated, records record-separated). */
export function packZones(zones: ReadonlyArray<readonly [string, string]>): string {
  const ok = zones.filter(([site, tz]) => site && tz && !CONTROL.test(site) && !CONTROL.test(tz));
  return ok.map(([site, tz]) => `${site}${FIELD}${tz}`).join(RECORD);
}

/** Local-day start (a UTC instant, as the tables' naive UTC timestamps) of `t` in zone column `tz`. */
const localDay = (t: string) => keyword(`timezone('UTC', timezone(tz, date_trunc('day', timezone(tz, timezone('UTC', ${t})))))`);

/** Statements of the marks pass after `mark_cube` took its change (kept in `marks_delta_mark_cube`). */
export function compileDayCubeUpdate(zones: string): Sql[] {
  const hourColumns = ['site_id', 'dim', 'value', 'hour', 'm', ...CUBE_VALUES];
  const targets = sql`CREATE OR REPLACE TEMP TABLE marks_targets AS
    WITH z AS (SELECT split_part(x, chr(31), 1) AS site_id, split_part(x, chr(31), 2) AS tz FROM (SELECT unnest(string_split(${bindString(zones)}, chr(30))) AS x) AS p WHERE x <> '')
    SELECT s.site_id, s.tz, FALSE AS rebuild FROM mark_cube_day_state AS s WHERE s.site_id IN (SELECT site_id FROM z)
    UNION ALL SELECT z.site_id, z.tz, TRUE AS rebuild FROM z LEFT JOIN mark_cube_day_state AS s ON s.site_id = z.site_id WHERE s.tz IS NULL OR s.tz <> z.tz`;
  const src = sql`CREATE OR REPLACE TEMP TABLE marks_src AS
    SELECT t.tz, ${keyword(hourColumns.map((c) => `d.${c}`).join(', '))} FROM marks_delta_mark_cube AS d JOIN marks_targets AS t ON t.site_id = d.site_id AND NOT t.rebuild
    UNION ALL SELECT t.tz, ${keyword(hourColumns.map((c) => `c.${c}`).join(', '))} FROM mark_cube AS c JOIN marks_targets AS t ON t.site_id = c.site_id AND t.rebuild`;
  const local = sql`CREATE OR REPLACE TEMP TABLE marks_local AS SELECT site_id, tz, instant, ${localDay('instant')} AS day
    FROM (SELECT DISTINCT site_id, tz, hour AS instant FROM marks_src UNION SELECT DISTINCT site_id, tz, m AS instant FROM marks_src WHERE m IS NOT NULL) AS a`;
  const daily = sql`SELECT s.site_id, s.tz, s.dim, s.value, h.day, mh.day AS md, ${join(CUBE_VALUES.map((v) => keyword(`s.${v}`)))}
    FROM marks_src AS s JOIN marks_local AS h ON h.site_id = s.site_id AND h.tz = s.tz AND h.instant = s.hour
    LEFT JOIN marks_local AS mh ON mh.site_id = s.site_id AND mh.tz = s.tz AND mh.instant = s.m`;
  return [
    // Rows of zones superseded in an earlier pass, and of sites that are gone.
    sql`DELETE FROM mark_cube_day WHERE (site_id, tz) NOT IN (SELECT site_id, tz FROM mark_cube_day_state)`,
    targets,
    src,
    local,
    sql`INSERT INTO mark_cube_day BY NAME SELECT ${keyword(DAY_KEYS)}, ${cubeSums()} FROM (${daily}) AS x GROUP BY ${keyword(DAY_KEYS)} HAVING ${cubeNonzero()} ORDER BY ${keyword(DAY_KEYS)}`,
    sql`INSERT OR REPLACE INTO mark_cube_day_state SELECT site_id, tz FROM marks_targets WHERE rebuild`,
    sql`DELETE FROM mark_cube_day_state WHERE site_id NOT IN (SELECT site_id FROM marks_targets)`,
    ...compactCube('mark_cube_day', DAY_KEYS, 3),
    ...['marks_targets', 'marks_src', 'marks_local'].map((t) => sql`DROP TABLE ${keyword(t)}`),
  ];
}
