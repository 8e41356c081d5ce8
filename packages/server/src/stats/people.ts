import { EVENT_COLUMNS } from '@tidemark/core';
import type { Dialect } from './dialect';
import { and, ident, join, sql, type Sql } from './sql';

/**
 * The person rule (docs/people.md), in one place: the member an event belongs to. With `people`, an
 * event with a user id is 'u' + it; one without is 'u' + the latest user id its visitor id carried in
 * the rows read, else 'v' + the visitor id. Without `people`, the visitor id.
 * `cols` are the event columns the caller needs (visitor_id, user_id and ts among them); the returned
 * rows have them (plus uid with `people`), and `member` is an expression over those rows. `from` is the
 * rows' source: `events`, or a name for rows with the same meaning (a rollup's, cohorts/compile.ts).
 */
export function memberRows(d: Dialect, cols: Sql, where: Sql, people: boolean, from: Sql = sql`events`): { rows: Sql; member: Sql } {
  const rows = sql`SELECT ${cols} FROM ${from} WHERE ${where}`;
  if (!people) return { rows, member: ident('visitor_id') };
  const latest = d.name === 'duckdb' ? sql`arg_max(user_id, ts)` : sql`argMax(user_id, ts)`;
  const ids = sql`SELECT visitor_id, ${latest} AS uid FROM ${from} WHERE ${and([where, sql`user_id <> ''`])} GROUP BY visitor_id`;
  // ClickHouse (18.16 too) needs the join's strictness said; a visitor id has one row on the right.
  const joined =
    d.name === 'duckdb'
      ? sql`(${rows}) AS r LEFT JOIN (${ids}) AS u USING (visitor_id)`
      : sql`(${rows}) AS r ANY LEFT JOIN (${ids}) AS u USING (visitor_id)`;
  const member = sql`CASE WHEN user_id <> '' THEN ${d.concat([sql`'u'`, ident('user_id')])} WHEN uid <> '' THEN ${d.concat([sql`'u'`, ident('uid')])} ELSE ${d.concat([sql`'v'`, ident('visitor_id')])} END`;
  return { rows: sql`SELECT ${cols}, coalesce(uid, '') AS uid FROM ${joined}`, member };
}

/**
 * Events of `where` with `visitor_id` replaced by their person (memberRows): a FROM-clause subquery
 * with every event column, so a statement written over visitor ids counts people. Two levels, as
 * ClickHouse would read an alias `visitor_id` inside the rule's own expression.
 */
export function peopleEvents(d: Dialect, where: Sql): Sql {
  const others = EVENT_COLUMNS.map((c) => c.name).filter((c) => c !== 'visitor_id');
  const all = join([...others, 'visitor_id'].map((c) => ident(c)));
  const { rows, member } = memberRows(d, all, where, true);
  const withPerson = sql`SELECT ${join(others.map((c) => ident(c)))}, ${member} AS person FROM (${rows}) AS pr`;
  return sql`(SELECT ${join(others.map((c) => ident(c)))}, person AS visitor_id FROM (${withPerson}) AS pp)`;
}
