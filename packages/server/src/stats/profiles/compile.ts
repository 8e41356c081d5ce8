import type { GoalDefinition } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { goalCompletion } from '../goals';
import { memberRows } from '../people';
import { featureColumns, featureNames, type ProfileScorer } from './features';
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
  'scroll_depth',
  'channel',
];

/**
 * FROM-clause rows: the event columns above plus `pid` and `ms` (ts in Unix ms). With `before`, only
 * the events before that time, the person rule applied to them alone (who someone was at that time).
 */
export function personRows(d: Dialect, siteId: string, before?: number): Sql {
  const cols = join(COLS.map((c) => ident(c)));
  const site = sql`site_id = ${bindString(siteId)}`;
  const where = before === undefined ? site : and([site, sql`ts < ${d.msToTimestamp(bindInt(before))}`]);
  const { rows, member } = memberRows(d, cols, where, true);
  return sql`(SELECT ${cols}, ${member} AS pid, ${d.timestampToMs(ident('ts'))} AS ms FROM (${rows}) AS pr) AS p`;
}

export const sessionKey = (d: Dialect) => d.concat([ident('session_id'), keyword("'|'"), ident('visitor_id')]);

export interface ProfileListQuery {
  siteId: string;
  search: string | null;
  sort: 'last_seen' | 'events' | 'revenue' | 'score';
  limit: number;
  offset: number;
  /** Sessions (session_id, visitor_id, …) the people must have one of (stats filters), or null for all. */
  sessions: Sql | null;
  scorer: ProfileScorer;
  /** Only these people (a subquery of pids), or everyone when left out (audiences/ passes the changed ones). */
  restrict?: Sql | null;
}

/** Per person (a group of personRows by pid): pid, first, last, events, pageviews, sessions, vids, scoring features. */
function personAggregates(d: Dialect, scorer: ProfileScorer): Sql {
  return sql`pid, min(ms) AS first_ms, max(ms) AS last_ms, count(*) AS n_events, ${d.countIf(sql`name = 'page_view'`)} AS n_pageviews,
    ${d.uniq(sessionKey(d))} AS n_sessions, ${d.uniq(ident('visitor_id'))} AS n_vids, ${join(featureColumns(d, scorer))}`;
}

/**
 * What the score reads of each listed person, over all their events: the list's columns (first_ms, last_ms,
 * n_pageviews, n_sessions, features …) for just these people, each filtered before grouping as for one profile.
 */
export function compileProfileScoreRows(d: Dialect, siteId: string, pids: readonly string[], scorer: ProfileScorer): CompiledSql {
  return render(
    sql`SELECT ${personAggregates(d, scorer)} FROM ${personRows(d, siteId)} WHERE pid IN (${join(pids.map((p) => bindString(p)))}) GROUP BY pid`,
    d,
  );
}

/** One row per profile matching the search: pid, first, last, events, pageviews, sessions, vids, scoring features. */
function listRows(d: Dialect, q: ProfileListQuery): Sql {
  const needle = q.search === null ? null : bindString(q.search);
  const having = needle
    ? sql` HAVING ${d.containsInsensitive(ident('pid'), needle)} OR ${d.countIf(sql`name = 'identify' AND ${d.containsInsensitive(d.toText(ident('props')), needle)}`)} > 0`
    : sql``;
  const rows = sql`SELECT ${personAggregates(d, q.scorer)} FROM ${personRows(d, q.siteId)} GROUP BY pid${having}`;
  const restricted = q.restrict ? sql`SELECT * FROM (${rows}) AS rr WHERE pid IN (${q.restrict})` : rows;
  if (!q.sessions) return restricted;
  // People with an event in a matching session.
  const keys = sql`SELECT ${sessionKey(d)} FROM (${q.sessions}) AS ms`;
  const matching = sql`SELECT pid FROM ${personRows(d, q.siteId)} WHERE ${sessionKey(d)} IN (${keys})`;
  return sql`SELECT * FROM (${restricted}) AS lr WHERE pid IN (${matching})`;
}

const ORDERS = {
  last_seen: sql`last_ms DESC, pid ASC`,
  events: sql`n_events DESC, last_ms DESC, pid ASC`,
  revenue: sql`rev_minor DESC, last_ms DESC, pid ASC`,
  // The score is computed from the rows: every matching profile, newest first, is ordered and paged after.
  score: sql`last_ms DESC, pid ASC`,
};

/** A page of profiles with their revenue and scoring features; for the score order every matching profile. */
export function compileProfileList(d: Dialect, q: ProfileListQuery): CompiledSql {
  // New names for the filled-in columns: ClickHouse would read an alias named like its column inside coalesce().
  const cols = sql`pid, first_ms, last_ms, n_events, n_pageviews, n_sessions, n_vids, ${join(featureNames(q.scorer).map((c) => ident(c)))},
    coalesce(p_minor, 0) AS rev_minor, coalesce(p_scale, 0) AS rev_scale, coalesce(p_conv, '') AS rev_conv, coalesce(p_txns, 0) AS n_txns`;
  const joined = leftJoinUsing(d, listRows(d, q), personRevenue(d, q.siteId), 'pid');
  const page = q.sort === 'score' ? sql`` : sql` LIMIT ${bindInt(q.limit)} OFFSET ${bindInt(q.offset)}`;
  return render(sql`SELECT * FROM (SELECT ${cols} FROM ${joined}) AS l ORDER BY ${ORDERS[q.sort]}${page}`, d);
}

/** `left` with the columns of `right` where `key` matches (right has one row per key). */
function leftJoinUsing(d: Dialect, left: Sql, right: Sql, key: string): Sql {
  // ClickHouse (18.16 too) needs the join's strictness said.
  const kind = d.name === 'duckdb' ? keyword('LEFT JOIN') : keyword('ANY LEFT JOIN');
  return sql`(${left}) AS jl ${kind} (${right}) AS jr USING (${ident(key)})`;
}

/**
 * Revenue per person: the last-touch credits (revenue/credits.ts: each counted payment and refund once,
 * in the reporting currency) of each payer visitor id, given to the person its visitor id belongs to —
 * the latest user id it carried, else itself (the person rule for an event without a user id).
 */
function personRevenue(d: Dialect, siteId: string): Sql {
  const site = sql`site_id = ${bindString(siteId)}`;
  const latest = d.name === 'duckdb' ? sql`arg_max(user_id, ts)` : sql`argMax(user_id, ts)`;
  const ids = sql`SELECT visitor_id, ${latest} AS uid FROM events WHERE ${site} AND user_id <> '' GROUP BY visitor_id`;
  const credits = sql`SELECT payer AS visitor_id, txn_key, kind, credit, scale, conv FROM revenue_credits
    WHERE ${site} AND model = 'last_touch' AND kind IN ('payment', 'refund') AND payer <> ''`;
  const pid = sql`CASE WHEN coalesce(uid, '') <> '' THEN ${d.concat([sql`'u'`, sql`coalesce(uid, '')`])} ELSE ${d.concat([sql`'v'`, ident('visitor_id')])} END`;
  const rows = sql`SELECT ${pid} AS pid, txn_key, kind, credit, scale, conv FROM ${leftJoinUsing(d, credits, ids, 'visitor_id')}`;
  return sql`SELECT pid, sum(credit) AS p_minor, max(scale) AS p_scale, max(conv) AS p_conv, ${d.uniqIf(ident('txn_key'), sql`kind = 'payment'`)} AS p_txns
    FROM (${rows}) AS pr GROUP BY pid`;
}

/** The revenue of one person (rev_minor, rev_scale, rev_conv, n_txns); no row without any. */
export function compileProfileRevenue(d: Dialect, siteId: string, pid: string): CompiledSql {
  return render(
    sql`SELECT p_minor AS rev_minor, p_scale AS rev_scale, p_conv AS rev_conv, p_txns AS n_txns FROM (${personRevenue(d, siteId)}) AS r
      WHERE pid = ${bindString(pid)}`,
    d,
  );
}

/**
 * Merges of a profile, derived from its events: each (visitor id, user id) pair among its visitor ids
 * with the first event carrying it. The same pair seen again is the same merge (idempotent); a late
 * event moves `at_ms` back.
 */
export function compileProfileMerges(d: Dialect, siteId: string, pid: string): CompiledSql {
  const vids = sql`SELECT visitor_id FROM ${ofProfile(d, siteId, pid)}`;
  return render(
    sql`SELECT visitor_id, user_id, min(${d.timestampToMs(ident('ts'))}) AS at_ms FROM events
      WHERE site_id = ${bindString(siteId)} AND user_id <> '' AND visitor_id IN (${vids})
      GROUP BY visitor_id, user_id ORDER BY at_ms, visitor_id, user_id`,
    d,
  );
}

export function compileProfileCount(d: Dialect, q: ProfileListQuery): CompiledSql {
  return render(sql`SELECT count(*) AS n FROM (${listRows(d, q)}) AS l`, d);
}

const ofProfile = (d: Dialect, siteId: string, pid: string) => sql`${personRows(d, siteId)} WHERE pid = ${bindString(pid)}`;

/** Per visitor id of the profile: first/last event, its first event carrying a user id. */
export function compileProfileVisitors(d: Dialect, siteId: string, pid: string): CompiledSql {
  const identified = sql`min(CASE WHEN user_id <> '' THEN ms ELSE NULL END)`;
  return render(
    sql`SELECT visitor_id, min(ms) AS first_ms, max(ms) AS last_ms, ${identified} AS identified_ms, count(*) AS n_events,
      ${d.countIf(sql`name = 'page_view'`)} AS n_pageviews FROM ${ofProfile(d, siteId, pid)} GROUP BY visitor_id ORDER BY first_ms, visitor_id`,
    d,
  );
}

/** The scoring features of one profile over all its events (one row; none for an unknown profile). */
export function compileProfileFeatures(d: Dialect, siteId: string, pid: string, scorer: ProfileScorer): CompiledSql {
  return render(sql`SELECT ${join(featureColumns(d, scorer))} FROM ${ofProfile(d, siteId, pid)} GROUP BY pid`, d);
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

/** Session recordings (replay/) per visitor id of the profile that has any. */
export function compileProfileRecordings(d: Dialect, siteId: string, pid: string): CompiledSql {
  const vids = sql`SELECT visitor_id FROM ${ofProfile(d, siteId, pid)}`;
  return render(
    sql`SELECT visitor_id, ${d.uniq(ident('recording_id'))} AS n FROM replay_chunks
      WHERE site_id = ${bindString(siteId)} AND visitor_id IN (${vids}) GROUP BY visitor_id ORDER BY visitor_id`,
    d,
  );
}

/**
 * The people an event received since `sinceMs` may have changed (audiences/): its person, and the
 * anonymous profile of its visitor id (which an identification merges away). A pid subquery.
 */
export function changedPeople(d: Dialect, siteId: string, sinceMs: number): Sql {
  const recent = sql`${d.timestampToMs(ident('received_at'))} >= ${bindInt(sinceMs)}`;
  const vids = sql`SELECT ${d.concat([sql`'v'`, ident('visitor_id')])} AS pid FROM events WHERE site_id = ${bindString(siteId)} AND ${recent}`;
  const cols = join([...COLS, 'received_at'].map((c) => ident(c)));
  const { rows, member } = memberRows(d, cols, sql`site_id = ${bindString(siteId)}`, true);
  const persons = sql`SELECT ${member} AS pid FROM (${rows}) AS cr WHERE ${recent}`;
  return sql`SELECT pid FROM (${persons} UNION ALL ${vids}) AS cp`;
}

export function compilePeopleOf(d: Dialect, pids: Sql): CompiledSql {
  return render(sql`SELECT DISTINCT pid FROM (${pids}) AS pp`, d);
}

/** The identify events (pid, ms, props) of the people of a pid subquery, or of everyone. */
export function compileIdentifies(d: Dialect, siteId: string, restrict: Sql | null): CompiledSql {
  const only = restrict ? sql` AND pid IN (${restrict})` : sql``;
  return render(
    sql`SELECT pid, ms, ${d.toText(ident('props'))} AS props FROM ${personRows(d, siteId)} WHERE name = 'identify'${only} ORDER BY pid, ms, ${d.toText(ident('event_id'))}`,
    d,
  );
}

/** Which of the listed people still have events (lifecycle duties of audiences/). */
export function compileExistingPeople(d: Dialect, siteId: string, pids: string[]): CompiledSql {
  return render(sql`SELECT DISTINCT pid FROM ${personRows(d, siteId)} WHERE pid IN (${join(pids.map((p) => bindString(p)))})`, d);
}

/** The visitor ids seen with a user id (a data subject's anonymous profiles, audiences/). */
export function compileVisitorIdsOfUser(d: Dialect, siteId: string, userId: string): CompiledSql {
  return render(sql`SELECT DISTINCT visitor_id FROM events WHERE site_id = ${bindString(siteId)} AND user_id = ${bindString(userId)}`, d);
}
