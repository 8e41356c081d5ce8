import type { GoalDefinition } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { goalCompletion } from '../goals';
import { memberRows } from '../people';
import { featureColumns, type ProfileScorer } from './features';
import { and, bindInt, bindString, ident, join, keyword, render, sql, type CompiledSql, type Sql } from '../sql';

/**
 * Statements of the profile read model: the site's events (its whole history), each with its person
 * (people.ts, the one person rule) as `pid`. Nothing else decides who is who.
 */

const COLS = [
  'event_id',
  'visitor_id',
  'user_id',
  'session_id',
  'ts',
  'name',
  'path',
  'props',
  'source',
  'device_type',
  'browser',
  'os',
  'country',
  'region',
  'city',
  'engaged_ms',
];

/** FROM-clause rows: the event columns above plus `pid` and `ms` (ts in Unix ms). */
function personRows(d: Dialect, siteId: string): Sql {
  const cols = join(COLS.map((c) => ident(c)));
  const { rows, member } = memberRows(d, cols, sql`site_id = ${bindString(siteId)}`, true);
  return sql`(SELECT ${cols}, ${member} AS pid, ${d.timestampToMs(ident('ts'))} AS ms FROM (${rows}) AS pr) AS p`;
}

const sessionKey = (d: Dialect) => d.concat([ident('session_id'), keyword("'|'"), ident('visitor_id')]);

export interface ProfileListQuery {
  siteId: string;
  search: string | null;
  sort: 'last_seen' | 'events' | 'score';
  limit: number;
  offset: number;
  scorer: ProfileScorer;
}

/** One row per profile matching the search: pid, first, last, events, pageviews, sessions, vids, scoring features. */
function listRows(d: Dialect, q: ProfileListQuery): Sql {
  const needle = q.search === null ? null : bindString(q.search);
  const having = needle
    ? sql` HAVING ${d.containsInsensitive(ident('pid'), needle)} OR ${d.countIf(sql`name = 'identify' AND ${d.containsInsensitive(d.toText(ident('props')), needle)}`)} > 0`
    : sql``;
  return sql`SELECT pid, min(ms) AS first_ms, max(ms) AS last_ms, count(*) AS n_events, ${d.countIf(sql`name = 'page_view'`)} AS n_pageviews,
    ${d.uniq(sessionKey(d))} AS n_sessions, ${d.uniq(ident('visitor_id'))} AS n_vids, ${join(featureColumns(d, q.scorer))} FROM ${personRows(d, q.siteId)} GROUP BY pid${having}`;
}

/** A page of profiles; for the score order every matching profile (the score is computed from the rows). */
export function compileProfileList(d: Dialect, q: ProfileListQuery): CompiledSql {
  const order = q.sort === 'events' ? sql`n_events DESC, last_ms DESC, pid ASC` : sql`last_ms DESC, pid ASC`;
  const page = q.sort === 'score' ? sql`` : sql` LIMIT ${bindInt(q.limit)} OFFSET ${bindInt(q.offset)}`;
  return render(sql`SELECT * FROM (${listRows(d, q)}) AS l ORDER BY ${order}${page}`, d);
}

export function compileProfileCount(d: Dialect, q: ProfileListQuery): CompiledSql {
  return render(sql`SELECT count(*) AS n FROM (${listRows(d, q)}) AS l`, d);
}

const ofProfile = (d: Dialect, siteId: string, pid: string) => sql`${personRows(d, siteId)} WHERE pid = ${bindString(pid)}`;

/** Per visitor id of the profile: first/last event, its first event carrying a user id, scoring features. */
export function compileProfileVisitors(d: Dialect, siteId: string, pid: string, scorer: ProfileScorer): CompiledSql {
  const identified = sql`min(CASE WHEN user_id <> '' THEN ms ELSE NULL END)`;
  return render(
    sql`SELECT visitor_id, min(ms) AS first_ms, max(ms) AS last_ms, ${identified} AS identified_ms, count(*) AS n_events,
      ${d.countIf(sql`name = 'page_view'`)} AS n_pageviews, ${join(featureColumns(d, scorer))} FROM ${ofProfile(d, siteId, pid)} GROUP BY visitor_id ORDER BY first_ms, visitor_id`,
    d,
  );
}

/** Sessions of the profile with their first event's attributes, newest first (all, or one page). */
export function compileProfileSessions(
  d: Dialect,
  siteId: string,
  pid: string,
  page?: { limit: number; offset: number },
  goals: readonly GoalDefinition[] = [],
): CompiledSql {
  const first = (c: string) => sql`${d.argMinIf(ident(c), ident('ms'), keyword('TRUE'))} AS ${ident(c)}`;
  const cols = [
    ident('session_id'),
    ident('visitor_id'),
    sql`min(ms) AS start_ms`,
    sql`max(ms) AS end_ms`,
    ...['source', 'device_type', 'browser', 'os', 'country', 'region', 'city'].map(first),
    // Completion of each goal (> 0 = completed), as the stats engine decides it for a session.
    ...goals.map((g, i) => sql`${goalCompletion(d, g)} AS ${ident(`g_${i}`)}`),
  ];
  const paging = page ? sql` LIMIT ${bindInt(page.limit)} OFFSET ${bindInt(page.offset)}` : sql``;
  return render(
    sql`SELECT * FROM (SELECT ${join(cols)} FROM ${ofProfile(d, siteId, pid)} GROUP BY session_id, visitor_id) AS s ORDER BY start_ms DESC, session_id DESC, visitor_id DESC${paging}`,
    d,
  );
}

/** Events of the profile: identify events only (traits), or those of the given sessions. */
export function compileProfileEvents(
  d: Dialect,
  siteId: string,
  pid: string,
  only: { identify: true } | { sessions: string[] },
): CompiledSql {
  const cond = 'identify' in only ? sql`name = 'identify'` : sql`session_id IN (${join(only.sessions.map((s) => bindString(s)))})`;
  return render(
    sql`SELECT session_id, visitor_id, ms, name, path, ${d.toText(ident('props'))} AS props FROM ${ofProfile(d, siteId, pid)} AND ${and([cond])}
      ORDER BY ms, ${d.toText(ident('event_id'))}`,
    d,
  );
}
