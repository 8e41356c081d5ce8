import { EVENT_COLUMNS } from '@tidemark/core';
import type { PurgeCounts, SubjectRef } from '../event-store';
import type { DuckDbClient } from './client';
import { PERSONAL_SIDE_TABLES, SIDE_TABLE_NAMES, SIDE_TABLES, subjectColumnsOf } from '../side-tables';

/**
 * The embedded store's lifecycle statements (see LifecycleStore): what to delete for a site, before a
 * cutoff, or for one subject, and how the session-parts rollup (stats/session-parts.ts, session-marks.ts,
 * mark-cube*.ts) stays equal to the events that remain. Run in one transaction with no write open.
 *
 * Rollups. A fragment is one (session, visitor, UTC hour of `ts`), so deleting the events before a
 * whole-hour cutoff, or all events of some visitors, deletes whole fragments: the fragments that remain
 * hold exactly the events that remain. What does not stay true is what the marks pass derived across
 * fragments (session totals, first-occurrence marks, the cubes). So a purge that removes fragments
 * unmarks the whole site: its cube rows go, every fragment loses its marks and head flags (the cube
 * then holds nothing for them, which is what a cube must hold for unmarked fragments), and `marks_open`
 * lists them all. Queries send unmarked visitors through the exact fragment merge, and the next marks
 * pass (store/duckdb/session-parts.ts sees the unmarked fragments) rebuilds marks and cubes. A site is
 * purged by retention at most once a day (the cutoff is a whole UTC day), which bounds that cost.
 *
 * Path sessions (stats/rollups/path-sessions.ts) are one row per session: a visitor's or an import's
 * rows go whole; retention deletes the rows whose last step is before the cutoff and cuts the steps
 * before it out of the rows straddling it, whose collapsed lists become NULL (queries collapse such
 * rows on the spot, the job's next run fills the lists again).
 *
 * Visitor hours (stats/rollups/visitor-hours.ts) are per visitor and UTC hour, so they go exactly like
 * fragments (a retention cutoff is a whole UTC day).
 */

/** Condition on events (and the same on rollup fragments) selecting what a purge deletes. */
interface Scope {
  events: string;
  fragments: string;
  params: unknown[];
  /** Retention: the cutoff (epoch ms) before which events go; else `fragments` selects whole path sessions. */
  beforeMs?: number;
}

const ROLLUP_TABLES = [
  'session_parts',
  'page_parts',
  'marks_open',
  'mark_cube',
  'page_cube',
  'mark_cube_day',
  'mark_cube_day_state',
  'path_sessions',
  'visitor_hours',
] as const;

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The events an import wrote: their visitor ids carry its prefix, so whole fragments go with them. */
export function importScope(visitorPrefix: string): Scope {
  return { events: 'starts_with(visitor_id, ?)', fragments: 'starts_with(visitor_id, ?)', params: [visitorPrefix] };
}

const ts = (ms: number) => `epoch_ms(CAST(${Math.trunc(ms)} AS BIGINT))`;

export function beforeScope(cutoffMs: number): Scope {
  return { events: `ts < ${ts(cutoffMs)}`, fragments: `hour < ${ts(cutoffMs)}`, params: [], beforeMs: Math.trunc(cutoffMs) };
}

/** A subject's scope: on events and fragments, and `on(column)` for any column holding a visitor id. */
interface SubjectScope extends Scope {
  on(column: string): string;
}

/** Every visitor id the subject has on the site (a user id: the visitor ids it was seen with). */
export function subjectScope(siteId: string, subject: SubjectRef): SubjectScope {
  if (subject.visitorId !== undefined) {
    const on = (c: string) => `${c} = ?`;
    return { events: on('visitor_id'), fragments: on('visitor_id'), params: [subject.visitorId], on };
  }
  const on = (c: string) => `${c} IN (SELECT DISTINCT visitor_id FROM events WHERE site_id = ? AND user_id = ?)`;
  return { events: on('visitor_id'), fragments: on('visitor_id'), params: [siteId, subject.userId], on };
}

/** A side table's rows of the subject: a subject column naming one of its visitor ids; with its parameters. */
function sideSubjectWhere(table: keyof typeof SIDE_TABLES, scope: SubjectScope): { where: string; params: unknown[] } {
  const cols = subjectColumnsOf(SIDE_TABLES[table]);
  return {
    where: cols.map((c) => `(${c} <> '' AND ${scope.on(c)})`).join(' OR '),
    params: cols.flatMap(() => scope.params),
  };
}

/** Deletes the site's events in `scope` and keeps its rollup consistent; counts per table. */
export async function purgeEvents(db: DuckDbClient, siteId: string, scope: Scope): Promise<PurgeCounts> {
  const counts: PurgeCounts = {};
  // Fragments first: a user id's visitors are found through the events about to go.
  const [frag] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM session_parts WHERE site_id = ? AND ${scope.fragments}`, [
    siteId,
    ...scope.params,
  ]);
  if (frag?.n) {
    counts.session_parts = await db.change(`DELETE FROM session_parts WHERE site_id = ? AND ${scope.fragments}`, [siteId, ...scope.params]);
    counts.page_parts = await db.change(`DELETE FROM page_parts WHERE site_id = ? AND ${scope.fragments}`, [siteId, ...scope.params]);
    await unmarkSite(db, siteId);
  }
  const paths = await purgePathSessions(db, siteId, scope);
  if (paths) counts.path_sessions = paths;
  // Whole UTC hours of a visitor: the scope's fragment condition (visitor id, or hour before a whole-hour cutoff) selects them exactly.
  const hours = await db.change(`DELETE FROM visitor_hours WHERE site_id = ? AND ${scope.fragments}`, [siteId, ...scope.params]);
  if (hours) counts.visitor_hours = hours;
  counts.events = await db.change(`DELETE FROM events WHERE site_id = ? AND ${scope.events}`, [siteId, ...scope.params]);
  return counts;
}

/** The site's path sessions in `scope` (before its events go: a user id's visitors are found through them); rows deleted. */
async function purgePathSessions(db: DuckDbClient, siteId: string, scope: Scope): Promise<number> {
  if (scope.beforeMs === undefined)
    return db.change(`DELETE FROM path_sessions WHERE site_id = ? AND ${scope.fragments}`, [siteId, ...scope.params]);
  const cut = scope.beforeMs;
  const removed = await db.change('DELETE FROM path_sessions WHERE site_id = ? AND hi < ?', [siteId, cut]);
  // Steps are sorted by time: the first one kept is the new `lo`.
  await db.run(
    `UPDATE path_sessions SET s = list_filter(s, x -> x.t >= ${cut}), lo = list_filter(s, x -> x.t >= ${cut})[1].t, labels = NULL, times = NULL
     WHERE site_id = ? AND lo < ?`,
    [siteId, cut],
  );
  return removed;
}

async function unmarkSite(db: DuckDbClient, siteId: string): Promise<void> {
  for (const table of ['mark_cube', 'page_cube', 'mark_cube_day', 'mark_cube_day_state'])
    await db.run(`DELETE FROM ${table} WHERE site_id = ?`, [siteId]);
  await db.run('UPDATE session_parts SET s_lo = NULL, s_head = NULL WHERE site_id = ?', [siteId]);
  await db.run('UPDATE page_parts SET sp_head = NULL WHERE site_id = ? AND sp_head IS NOT NULL', [siteId]);
  await db.run('DELETE FROM marks_open WHERE site_id = ?', [siteId]);
  await db.run('INSERT INTO marks_open SELECT site_id, hour, vk, s_lo, s_hi FROM session_parts WHERE site_id = ?', [siteId]);
  // A session left with one fragment is whole in it again (a non-solo one only takes the slower merge).
  await db.run(
    `UPDATE session_parts SET solo = TRUE WHERE site_id = ? AND NOT solo
     AND sk IN (SELECT sk FROM session_parts WHERE site_id = ? GROUP BY sk HAVING count(*) = 1)`,
    [siteId, siteId],
  );
}

/** The site's quarantine, archived raw payloads and drop counts before the cutoff. */
export async function purgeSideTablesBefore(db: DuckDbClient, siteId: string, cutoffMs: number): Promise<PurgeCounts> {
  const counts: PurgeCounts = {
    quarantine: await db.change(`DELETE FROM quarantine WHERE site_id = ? AND received_at < ${ts(cutoffMs)}`, [siteId]),
    raw: await db.change(`DELETE FROM raw_payloads_archive WHERE site_id = ? AND received_at < ${ts(cutoffMs)}`, [siteId]),
    drops: await db.change(`DELETE FROM ingest_drops WHERE site_id = ? AND day < CAST(${ts(cutoffMs)} AS DATE)`, [siteId]),
    // Imported days are the other tool's local days: a day goes once its UTC date is before the cutoff's.
    imported: await db.change('DELETE FROM imported_stats WHERE site_id = ? AND day < ?', [siteId, utcDate(cutoffMs)]),
  };
  for (const name of SIDE_TABLE_NAMES)
    counts[name] = await db.change(`DELETE FROM ${name} WHERE site_id = ? AND ${SIDE_TABLES[name].time} < ?`, [
      siteId,
      Math.trunc(cutoffMs),
    ]);
  return counts;
}

/**
 * Blanks the columns naming the subject in every side table (rows and amounts stay; rows that only link
 * the person to others go). Runs before the subject's events go: a user id's visitors are found through them.
 */
export async function unlinkSubject(db: DuckDbClient, siteId: string, scope: SubjectScope): Promise<PurgeCounts> {
  const counts: PurgeCounts = {};
  for (const name of PERSONAL_SIDE_TABLES) {
    const spec = SIDE_TABLES[name];
    const { where, params } = sideSubjectWhere(name, scope);
    if (spec.linkOnly)
      counts[`${name}_deleted`] = await db.change(`DELETE FROM ${name} WHERE site_id = ? AND (${where}) AND (${spec.linkOnly})`, [
        siteId,
        ...params,
      ]);
    counts[`${name}_unlinked`] = await db.change(
      `UPDATE ${name} SET ${spec.personal.map((c) => `${c} = ''`).join(', ')} WHERE site_id = ? AND (${where})`,
      [siteId, ...params],
    );
  }
  return counts;
}

/** The subject's rows of a side table, oldest first: statement and parameters. */
export function sideExport(table: keyof typeof SIDE_TABLES, siteId: string, scope: SubjectScope): { sql: string; params: unknown[] } {
  const { where, params } = sideSubjectWhere(table, scope);
  return {
    sql: `SELECT * FROM ${table} WHERE site_id = ? AND (${where}) ORDER BY ${SIDE_TABLES[table].time}`,
    params: [siteId, ...params],
  };
}

/** Every row of the site in every table (rollups included). */
export async function purgeSiteRows(db: DuckDbClient, siteId: string): Promise<PurgeCounts> {
  const counts: PurgeCounts = {};
  const tables: Array<[string, string]> = [
    ['events', 'events'],
    ['quarantine', 'quarantine'],
    ['raw_payloads_archive', 'raw'],
    ['ingest_drops', 'drops'],
    ...SIDE_TABLE_NAMES.map((n): [string, string] => [n, n]),
    ['imported_stats', 'imported'],
  ];
  for (const [table, name] of tables) counts[name] = await db.change(`DELETE FROM ${table} WHERE site_id = ?`, [siteId]);
  for (const table of ROLLUP_TABLES) {
    const n = await db.change(`DELETE FROM ${table} WHERE site_id = ?`, [siteId]);
    if (table === 'session_parts' || table === 'page_parts') counts[table] = n;
  }
  return counts;
}

const EXPORT_COLUMNS = EVENT_COLUMNS.map((c) =>
  c.kind === 'timestamp_ms' ? `epoch_ms(${c.name}) AS ${c.name}` : c.kind === 'uuid' ? `CAST(${c.name} AS VARCHAR) AS ${c.name}` : c.name,
).join(', ');

export function exportSql(scope: Scope): string {
  return `SELECT ${EXPORT_COLUMNS} FROM events WHERE site_id = ? AND ${scope.events} ORDER BY ts, event_id`;
}

/** Adds `more` into `into` (counts of several steps of one purge). */
export function addCounts(into: PurgeCounts, more: PurgeCounts): PurgeCounts {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}
