import type { Dialect } from '../dialect';
import { bindInt, bindString, ident, keyword, render, sql, type CompiledSql, type Sql } from '../sql';
import { memberPeriods, type CohortQuery } from './compile';

/**
 * Revenue of the cohorts' members per period (README "Cohorts"), a statement of its own run only when
 * the site has revenue: the last-touch credits (revenue/credits.ts: each counted payment and refund once,
 * in the reporting currency) paid in the range read, each given to the member of its payer visitor id
 * (people: the latest user id it carried in the rows read, as people.ts decides) and to the period it
 * was paid in. Rows (ck, fb, b, rev, scale, conv) by cohort key, first period and period.
 */
export function compileCohortRevenue(d: Dialect, q: CohortQuery): CompiledSql {
  const site = sql`site_id = ${bindString(q.siteId)}`;
  const members = sql`SELECT m, ${d.argMinIf(ident('k'), ident('kt'), sql`1 = 1`)} AS ck, min(b) AS fb, min(t0) AS ft
    FROM (${memberPeriods(d, q)}) AS l1 GROUP BY m`;
  const firstInRange = sql`SELECT m, ck, fb FROM (${members}) AS mm WHERE ft >= ${bindInt(q.startMs)} AND ft < ${bindInt(q.endMs)}`;
  const credits = sql`SELECT payer AS visitor_id, ts AS pts, credit, scale, conv FROM revenue_credits
    WHERE ${site} AND model = 'last_touch' AND kind IN ('payment', 'refund') AND payer <> ''
      AND ts >= ${bindInt(q.readStartMs)} AND ts < ${bindInt(q.readEndMs)}`;
  const bucket = d.timeBucket(d.msToTimestamp(ident('pts')), q.interval, q.timezone, { startMs: q.readStartMs, endMs: q.readEndMs });
  const paid = q.people ? peopleOf(d, credits, q) : sql`SELECT visitor_id AS m, pts, credit, scale, conv FROM (${credits}) AS c`;
  const pay = sql`SELECT m, ${bucket} AS b, credit, scale, conv FROM (${paid}) AS p`;
  return render(
    sql`SELECT ck, fb, b, sum(credit) AS rev, max(scale) AS scale, max(conv) AS conv FROM ${d.joinUsing(pay, firstInRange, ['m'])}
      GROUP BY ck, fb, b ORDER BY ck, fb, b`,
    d,
  );
}

/** The credits with their payer's person: u + the latest user id the payer carried in the rows read, else v + the payer. */
function peopleOf(d: Dialect, credits: Sql, q: CohortQuery): Sql {
  const latest = d.name === 'duckdb' ? sql`arg_max(user_id, ts)` : sql`argMax(user_id, ts)`;
  const ids = sql`SELECT visitor_id, ${latest} AS uid FROM events WHERE site_id = ${bindString(q.siteId)}
    AND ts >= ${d.timestampFromMs(q.readStartMs)} AND ts < ${d.timestampFromMs(q.readEndMs)} AND user_id <> '' GROUP BY visitor_id`;
  // ClickHouse (18.16 too) needs the join's strictness said; a visitor id has one row on the right.
  const kind = d.name === 'duckdb' ? keyword('LEFT JOIN') : keyword('ANY LEFT JOIN');
  const person = sql`CASE WHEN coalesce(uid, '') <> '' THEN ${d.concat([sql`'u'`, sql`coalesce(uid, '')`])} ELSE ${d.concat([sql`'v'`, ident('visitor_id')])} END`;
  return sql`SELECT ${person} AS m, pts, credit, scale, conv FROM (${credits}) AS c ${kind} (${ids}) AS u USING (visitor_id)`;
}

/** Whether the site has any revenue credit (then the grid shows revenue per member). */
export function compileHasRevenue(d: Dialect, siteId: string): CompiledSql {
  return render(sql`SELECT 1 AS one FROM revenue_credits WHERE site_id = ${bindString(siteId)} AND model = 'last_touch' LIMIT 1`, d);
}
