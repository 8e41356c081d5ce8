import type { Dialect } from './dialect';
import { and, ident, sql, type Sql } from './sql';

/**
 * The person rule (docs/people.md), in one place: the member an event belongs to. With `people`, an
 * event with a user id is 'u' + it; one without is 'u' + the latest user id its visitor id carried in
 * the rows read, else 'v' + the visitor id. Without `people`, the visitor id.
 * `cols` are the event columns the caller needs (visitor_id, user_id and ts among them); the returned
 * rows have them (plus uid with `people`), and `member` is an expression over those rows.
 */
export function memberRows(d: Dialect, cols: Sql, where: Sql, people: boolean): { rows: Sql; member: Sql } {
  const rows = sql`SELECT ${cols} FROM events WHERE ${where}`;
  if (!people) return { rows, member: ident('visitor_id') };
  const latest = d.name === 'duckdb' ? sql`arg_max(user_id, ts)` : sql`argMax(user_id, ts)`;
  const ids = sql`SELECT visitor_id, ${latest} AS uid FROM events WHERE ${and([where, sql`user_id <> ''`])} GROUP BY visitor_id`;
  // ClickHouse (18.16 too) needs the join's strictness said; a visitor id has one row on the right.
  const joined =
    d.name === 'duckdb'
      ? sql`(${rows}) AS r LEFT JOIN (${ids}) AS u USING (visitor_id)`
      : sql`(${rows}) AS r ANY LEFT JOIN (${ids}) AS u USING (visitor_id)`;
  const member = sql`CASE WHEN user_id <> '' THEN ${d.concat([sql`'u'`, ident('user_id')])} WHEN uid <> '' THEN ${d.concat([sql`'u'`, ident('uid')])} ELSE ${d.concat([sql`'v'`, ident('visitor_id')])} END`;
  return { rows: sql`SELECT ${cols}, coalesce(uid, '') AS uid FROM ${joined}`, member };
}
