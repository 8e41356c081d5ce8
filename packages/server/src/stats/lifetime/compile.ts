import { PASSIVE_EVENT_NAMES } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { memberRows } from '../people';
import { and, bindInt, bindString, ident, join, keyword, render, sql, type CompiledSql, type Sql } from '../sql';

/**
 * Statements of the lifetime models (lifetime/, docs/churn-ltv.md): per identified person (people.ts, the
 * one person rule, restricted to `u<user_id>`) and UTC day, whether they transacted that day — bought
 * (last-touch payment credits, revenue/credits.ts) on a site with revenue, else were active (an event
 * other than identify and the passive measurements; a page view counts). Rows (pid, dn, spend, scale, conv):
 * dn = days since 1970-01-01, spend in minor units of the reporting currency (0 for activity).
 */
export interface LifetimeDaysQuery {
  siteId: string;
  purchases: boolean;
  /** Only what happened before this time (Unix ms), the person rule included; null for everything. */
  beforeMs: number | null;
  /** Only these profile ids; null for every identified person. */
  pids: readonly string[] | null;
}

const DAY_MS = 86_400_000;

export function compileLifetimeDays(d: Dialect, q: LifetimeDaysQuery): CompiledSql {
  const onlyPids = q.pids ? sql` AND pid IN (${join(q.pids.map((p) => bindString(p)))})` : sql``;
  return render(q.purchases ? purchaseDays(d, q, onlyPids) : activeDays(d, q, onlyPids), d);
}

function activeDays(d: Dialect, q: LifetimeDaysQuery, onlyPids: Sql): Sql {
  const where = and([sql`site_id = ${bindString(q.siteId)}`, ...(q.beforeMs === null ? [] : [sql`ts < ${d.timestampFromMs(q.beforeMs)}`])]);
  const { rows, member } = memberRows(d, sql`visitor_id, user_id, ts, name`, where, true);
  const passive = join(PASSIVE_EVENT_NAMES.filter((n) => n !== 'page_view').map((n) => bindString(n)));
  const active = sql`(name = 'page_view' OR (name <> 'identify' AND name NOT IN (${passive})))`;
  const people = sql`SELECT ${member} AS pid, floor(${d.timestampToMs(ident('ts'))} / ${bindInt(DAY_MS)}) AS dn FROM (${rows}) AS lr WHERE ${active}`;
  return sql`SELECT pid, dn, 0 AS spend, 0 AS scale, '' AS conv FROM (${people}) AS la
    WHERE pid LIKE 'u%'${onlyPids} GROUP BY pid, dn ORDER BY pid, dn`;
}

function purchaseDays(d: Dialect, q: LifetimeDaysQuery, onlyPids: Sql): Sql {
  const site = sql`site_id = ${bindString(q.siteId)}`;
  const latest = d.name === 'duckdb' ? sql`arg_max(user_id, ts)` : sql`argMax(user_id, ts)`;
  const eventsBefore = q.beforeMs === null ? sql`` : sql` AND ts < ${d.timestampFromMs(q.beforeMs)}`;
  const creditsBefore = q.beforeMs === null ? sql`` : sql` AND ts < ${bindInt(q.beforeMs)}`;
  const ids = sql`SELECT visitor_id, ${latest} AS uid FROM events WHERE ${site} AND user_id <> ''${eventsBefore} GROUP BY visitor_id`;
  const credits = sql`SELECT payer AS visitor_id, ts AS pts, credit, scale, conv FROM revenue_credits
    WHERE ${site} AND model = 'last_touch' AND kind = 'payment' AND payer <> ''${creditsBefore}`;
  // ClickHouse (18.16 too) needs the join's strictness said; a visitor id has one row on the right.
  const kind = d.name === 'duckdb' ? keyword('LEFT JOIN') : keyword('ANY LEFT JOIN');
  const pid = sql`CASE WHEN coalesce(uid, '') <> '' THEN ${d.concat([sql`'u'`, sql`coalesce(uid, '')`])} ELSE '' END`;
  const rows = sql`SELECT ${pid} AS pid, floor(pts / ${bindInt(DAY_MS)}) AS dn, credit, scale, conv FROM (${credits}) AS lc ${kind} (${ids}) AS li USING (visitor_id)`;
  return sql`SELECT pid, dn, sum(credit) AS spend, max(scale) AS scale, max(conv) AS conv FROM (${rows}) AS lp
    WHERE pid <> ''${onlyPids} GROUP BY pid, dn ORDER BY pid, dn`;
}

/** Whether the site has a payment credit (then the models count purchases). */
export function compileHasPayments(d: Dialect, siteId: string): CompiledSql {
  return render(
    sql`SELECT 1 AS one FROM revenue_credits WHERE site_id = ${bindString(siteId)} AND model = 'last_touch' AND kind = 'payment' LIMIT 1`,
    d,
  );
}
