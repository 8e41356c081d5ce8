import type { Dialect } from '../dialect';
import { offsetSegments } from '../period';
import { and, bindString, or, render, sql, type CompiledSql, type Sql } from '../sql';

/**
 * Visitor hours: a rollup of `events` (DuckDB only) for cohort grids (stats/cohorts/, README "Cohorts"),
 * one row per (site, visitor id, user id, UTC hour, batch) with events:
 *
 *   hour     the UTC hour the events' times fall in
 *   lo, hi   the first and last event time of the group in that hour (received up to the batch)
 *   batch    the watermark of the job run that wrote the row
 *   vk, uk   128-bit keys (md5_number) of the person texts 'v' + visitor id and 'u' + user id (uk NULL
 *            without a user id): the cohort statement groups members by them instead of by text
 *
 * The job (job.ts, own watermark in `visitor_hours_state`) appends the groups of the events received in
 * each chunk; a group seen in an earlier chunk gets a second row. Every quantity a cohort grid by first
 * visit without a goal needs is a minimum, a maximum or a set, so rows may overlap: a member's first
 * time (min of lo), its latest user id (arg_max over hi), and the local periods it was active in — an
 * hour is shorter than any local day, so each event of a row lies in lo's period or hi's.
 */

/**
 * The watermark (epoch ms, or null before the first run), read before the cohort statement and bound
 * into it as a constant, so that the scan of newer events skips what was received earlier. A watermark
 * the job has since moved past only makes stored and raw rows overlap, which changes no minimum,
 * maximum or set.
 */
export const VISITOR_HOURS_WATERMARK_SQL = 'SELECT epoch_ms(max(watermark)) AS ms FROM visitor_hours_state';

const HOUR_MS = 3_600_000;

/** Whether every local period boundary of `tz` in [startMs, endMs) and both cohort bounds lie on whole UTC hours. */
export function onWholeHours(tz: string, readStartMs: number, readEndMs: number, bounds: readonly number[]): boolean {
  const segments = offsetSegments(readStartMs, readEndMs, tz);
  return (
    bounds.every((ms) => ms % HOUR_MS === 0) &&
    segments.every((s, i) => s.offsetMs % HOUR_MS === 0 && (i === 0 || s.fromMs % HOUR_MS === 0))
  );
}

/** The groups of the events of `where`, with their keys (computed per group, not per event). */
function groups(where: Sql): Sql {
  const grouped = sql`SELECT site_id, visitor_id, user_id, date_trunc('hour', ts) AS hour, min(ts) AS lo, max(ts) AS hi FROM events WHERE ${where} GROUP BY ALL`;
  return sql`SELECT *, md5_number(concat('v', visitor_id)) AS vk, CASE WHEN user_id <> '' THEN md5_number(concat('u', user_id)) END AS uk FROM (${grouped}) AS k`;
}

/** The job's statement for the events received in (fromMs, toMs]: their groups appended; the row count is the groups written. */
export function compileVisitorHoursBuild(d: Dialect, fromMs: number, toMs: number): CompiledSql[] {
  const batch = d.timestampFromMs(toMs);
  const fresh = groups(and([sql`received_at > ${d.timestampFromMs(fromMs)}`, sql`received_at <= ${batch}`]));
  return [render(sql`INSERT INTO visitor_hours BY NAME SELECT *, ${batch} AS batch FROM (${fresh}) AS g`, d)];
}

/**
 * Rows (visitor_id, user_id, ts) — with `keys` (vk, uk, ts) — standing for the site's events of [startMs, endMs) in a cohort grid by
 * first visit without a goal: each stored group of a whole hour inside the range as its lo and hi, and
 * the events read raw where the rollup cannot answer (received after its watermark, or in the range's
 * partial first and last hours) grouped the same way. What the cohort statement computes from them —
 * first times, latest user ids, active periods — equals what it computes from the events.
 *
 * With `wholeHours` (every local period boundary, and the cohorts' first and last instant, on a whole
 * UTC hour) a group is one row, its hi: all of its events share hi's period, and the member's first
 * time is then in the same hour as its true first time, so on the same side of every boundary.
 */
export function visitorHoursRows(
  d: Dialect,
  r: { siteId: string; startMs: number; endMs: number; watermarkMs: number; wholeHours: boolean; keys?: boolean },
): Sql {
  const ids = r.keys ? sql`vk, uk` : sql`visitor_id, user_id`;
  const { siteId, startMs, endMs, wholeHours } = r;
  const site = sql`site_id = ${bindString(siteId)}`;
  const firstWhole = Math.ceil(startMs / HOUR_MS) * HOUR_MS;
  const lastWhole = Math.floor(endMs / HOUR_MS) * HOUR_MS;
  const stored = sql`SELECT ${ids}, lo, hi FROM visitor_hours WHERE ${and([
    site,
    sql`hour >= ${d.timestampFromMs(firstWhole)}`,
    sql`hour < ${d.timestampFromMs(lastWhole)}`,
  ])}`;
  const inRange = [site, sql`ts >= ${d.timestampFromMs(startMs)}`, sql`ts < ${d.timestampFromMs(endMs)}`];
  // Two scans, each narrowed on its own column: events received later, and the partial hours.
  const newer = groups(and([...inRange, sql`received_at > ${d.timestampFromMs(r.watermarkMs)}`]));
  const edges = groups(
    and([...inRange, or([sql`ts < ${d.timestampFromMs(firstWhole)}`, sql`ts >= ${d.timestampFromMs(Math.max(firstWhole, lastWhole))}`])]),
  );
  const raw = sql`SELECT ${ids}, lo, hi FROM (${newer} UNION ALL ${edges}) AS r`;
  const ts = wholeHours ? sql`hi` : sql`unnest(CASE WHEN hi > lo THEN [lo, hi] ELSE [lo] END)`;
  return sql`SELECT ${ids}, ${ts} AS ts FROM (${stored} UNION ALL ${raw}) AS a`;
}
