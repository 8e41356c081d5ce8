import { EVENT_COLUMNS } from '@tidemark/core';
import type { Dialect } from './dialect';
import { traitColumn } from './registry';
import { and, bindString, ident, join, sql, type Sql } from './sql';

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

/** Where event rows are read from: `events`, or rows with every event column and `carry` columns more (labels.ts). */
export interface RowsSource {
  from: Sql;
  carry: readonly string[];
}
const EVENTS: RowsSource = { from: sql`events`, carry: [] };

/**
 * Events of `where` with `visitor_id` replaced by their person (memberRows): a FROM-clause subquery
 * with every event column, so a statement written over visitor ids counts people. Two levels, as
 * ClickHouse would read an alias `visitor_id` inside the rule's own expression.
 */
export function peopleEvents(d: Dialect, where: Sql, source: RowsSource = EVENTS): Sql {
  const others = [...EVENT_COLUMNS.map((c) => c.name).filter((c) => c !== 'visitor_id'), ...source.carry];
  const all = join([...others, 'visitor_id'].map((c) => ident(c)));
  const { rows, member } = memberRows(d, all, where, true, source.from);
  const withPerson = sql`SELECT ${join(others.map((c) => ident(c)))}, ${member} AS person FROM (${rows}) AS pr`;
  return sql`(SELECT ${join(others.map((c) => ident(c)))}, person AS visitor_id FROM (${withPerson}) AS pp)`;
}

/**
 * Events of `where` carrying the traits `keys` of their person as columns (registry.ts traitColumn):
 * per user id, the latest non-empty value its identify events gave the key over the site's whole
 * history; an event's user id is its own, else the one its visitor id identified as (the person rule).
 * With `people`, `visitor_id` holds the person as in peopleEvents. A FROM-clause subquery.
 */
export function traitEvents(
  d: Dialect,
  siteId: string,
  where: Sql,
  keys: readonly string[],
  people: boolean,
  source: RowsSource = EVENTS,
): Sql {
  const others = [...EVENT_COLUMNS.map((c) => c.name).filter((c) => c !== 'visitor_id'), ...source.carry];
  const all = join([...others, 'visitor_id'].map((c) => ident(c)));
  const { rows, member } = memberRows(d, all, where, true, source.from);
  const person = people ? member : ident('visitor_id');
  const withUser = sql`SELECT ${join(others.map((c) => ident(c)))}, ${person} AS person, CASE WHEN user_id <> '' THEN user_id ELSE coalesce(uid, '') END AS tuid FROM (${rows}) AS pr`;
  const values = keys.map((k, i) => {
    const v = d.propertyValue(ident('props'), k);
    return sql`${d.argMaxIf(v, ident('ts'), sql`${v} <> ''`)} AS ${ident(`tv_${i}`)}`;
  });
  const traits = sql`SELECT user_id AS tuid, ${join(values)} FROM events
    WHERE site_id = ${bindString(siteId)} AND name = 'identify' AND user_id <> '' GROUP BY user_id`;
  // ClickHouse (18.16 too) needs the join's strictness said; a user id has one row on the right.
  const kind = d.name === 'duckdb' ? sql`LEFT JOIN` : sql`ANY LEFT JOIN`;
  const cols = [
    ...others.map((c) => ident(c)),
    sql`person AS visitor_id`,
    ...keys.map((k, i) => sql`coalesce(${ident(`tv_${i}`)}, '') AS ${ident(traitColumn(k))}`),
  ];
  return sql`(SELECT ${join(cols)} FROM (${withUser}) AS pu ${kind} (${traits}) AS pt USING (tuid))`;
}

/**
 * Credit rows (`SELECT * FROM revenue_credits …`) with `payer_person`: the person of the payer visitor id
 * by the rule above over the events of `where` (u + the latest user id it carried, else v + itself).
 */
export function payerPeople(d: Dialect, credits: Sql, where: Sql): Sql {
  const latest = d.name === 'duckdb' ? sql`arg_max(user_id, ts)` : sql`argMax(user_id, ts)`;
  const ids = sql`SELECT visitor_id AS payer, ${latest} AS payer_uid FROM events WHERE ${and([where, sql`user_id <> ''`])} GROUP BY visitor_id`;
  // ClickHouse (18.16 too) needs the join's strictness said; a payer has one row on the right.
  const kind = d.name === 'duckdb' ? sql`LEFT JOIN` : sql`ANY LEFT JOIN`;
  const person = sql`CASE WHEN coalesce(payer_uid, '') <> '' THEN ${d.concat([sql`'u'`, sql`coalesce(payer_uid, '')`])} ELSE ${d.concat([sql`'v'`, ident('payer')])} END`;
  return sql`SELECT *, ${person} AS payer_person FROM (${credits}) AS pc ${kind} (${ids}) AS pi USING (payer)`;
}

/**
 * With people, "seen before the period" for a row whose `visitor_id` holds the person (peopleEvents): an
 * event of `before` carried the person's user id, or one of the visitor ids that belong to the person in
 * the rows of `window` (the rule above) has an event of `before`.
 */
export function returningPeople(d: Dialect, window: Sql, before: Sql): Sql {
  const users = sql`SELECT ${d.concat([sql`'u'`, ident('user_id')])} FROM events WHERE ${and([before, sql`user_id <> ''`])}`;
  const { rows, member } = memberRows(d, sql`visitor_id, user_id, ts`, window, true);
  const mapped = sql`SELECT ${member} FROM (${rows}) AS rp WHERE visitor_id IN (SELECT visitor_id FROM events WHERE ${before})`;
  return sql`(visitor_id IN (${users}) OR visitor_id IN (${mapped}))`;
}
