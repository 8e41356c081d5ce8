import type { Dialect } from './dialect';
import { ident, join, keyword, sql, type Sql } from './sql';

/**
 * Page-view rows for time on page and scroll depth (DESIGN §4): one row per page_view, with the
 * columns event-level dimensions read (path, host, name, props, user_id), its session keys and time, and
 *   pv_ms      time on page: the engaged time the tracker reported (the sum of `engaged_ms` of the
 *              page_exit events that follow this page view, before the session's next one), else the
 *              gap to the session's next page view; NULL when neither exists (the session's last page
 *              view without engaged time);
 *   pv_scroll  the deepest `scroll_depth` (%) of the events from this page view to the next one
 *              (milestones, page exits); NULL when none reported one.
 * A page view owns the session's events from its own time up to the next page view; an event at the
 * same instant as a page view belongs to the page before it (the tracker sends a page's page_exit just
 * before the next page view). Sessions are cut at the edges of `events` (the plan's look-around).
 */

const SEQUENCE_COLUMNS = [
  'session_id',
  'visitor_id',
  'ts',
  'name',
  'event_id',
  'path',
  'host',
  'props',
  'user_id',
  'engaged_ms',
  'scroll_depth',
] as const;

/** `events`: FROM-clause text selecting the site's events of the look-around window. */
export function pageViewRows(d: Dialect, events: Sql): Sql {
  const isPv = sql`name = 'page_view'`;
  const exit = sql`name = 'page_exit' AND engaged_ms IS NOT NULL`;
  const ofPageView = (c: string) => d.argMinIf(ident(c), ident('ts'), isPv);
  const sequenced = d.pageViewSequence(sql`SELECT ${join(SEQUENCE_COLUMNS.map((c) => ident(c)))} FROM ${events}`, SEQUENCE_COLUMNS);
  // Aliases differ from the source columns: ClickHouse would read an alias `ts` inside min(ts).
  const grouped = sql`SELECT session_id, visitor_id, min(ts) AS pv_ts, ${ofPageView('path')} AS pv_path, ${ofPageView('host')} AS pv_host, ${ofPageView('props')} AS pv_props, ${ofPageView('user_id')} AS pv_user_id,
    CASE WHEN ${d.countIf(exit)} > 0 THEN ${d.sumIf(ident('engaged_ms'), exit)} ELSE max(pv_next_ms) - ${d.timestampToMs(sql`min(ts)`)} END AS pv_ms,
    max(scroll_depth) AS pv_scroll
    FROM (${sequenced}) AS q WHERE pv_seq > 0 GROUP BY session_id, visitor_id, pv_seq`;
  return sql`SELECT session_id, visitor_id, pv_ts AS ts, ${keyword("'page_view'")} AS name, pv_path AS path, pv_host AS host, pv_props AS props, pv_user_id AS user_id, pv_ms, pv_scroll FROM (${grouped}) AS g`;
}
