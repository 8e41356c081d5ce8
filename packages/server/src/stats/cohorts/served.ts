import type { Dialect } from '../dialect';
import { localDate, offsetSegments } from '../period';
import { bindInt, ident, keyword, sql, type Sql } from '../sql';
import { bucketOf, periodsBetween } from './buckets';
import type { CohortQuery } from './compile';

/**
 * The grid by first visit without a goal over the visitor-hours rows (compile.ts), DuckDB only, with one
 * pass per member instead of one per (member, period): each period is numbered from the first cohort's
 * (i = 0, 1, …), a member's active periods are the bits of one integer, and its first period is that
 * of its first time. Members then fall into few (first period, bits) groups, which are counted and
 * expanded to the rows (ck, fb, b, n, c, cvs) of the other statements, for offsets 0 … periods − 1
 * (run.ts reads no other). Members are grouped by the rollup's 128-bit keys of their text (below).
 */

/** Highest period number a BIGINT's bits hold here (bit 63 is the sign; the mask below needs bit periods). */
const MAX_BIT = 61;
const DAY = 86_400_000;

/** Whether the numbered periods of `q` fit the bits: cohorts' periods and each cohort's following ones. */
export function servedByBits(q: Pick<CohortQuery, 'timezone' | 'interval' | 'startMs' | 'endMs' | 'periods'>): boolean {
  return lastBit(q) <= MAX_BIT;
}

function firstBucket(q: Pick<CohortQuery, 'timezone' | 'interval' | 'startMs'>): string {
  return bucketOf(localDate(q.startMs, q.timezone), q.interval as 'day' | 'week' | 'month');
}

/** Number of the last period any member counts in: its cohort's (the last one) plus periods − 1. */
function lastBit(q: Pick<CohortQuery, 'timezone' | 'interval' | 'startMs' | 'endMs' | 'periods'>): number {
  const first = firstBucket(q);
  const last = bucketOf(localDate(q.endMs - 1, q.timezone), q.interval as 'day' | 'week' | 'month');
  return periodsBetween(first, last, q.interval as 'day' | 'week' | 'month') + q.periods - 1;
}

/**
 * The period number of each instant `ts` (a TIMESTAMP of [readStartMs, readEndMs)): its local time as
 * epoch ms by the zone's offsets over the span (period.ts), counted in days or weeks from the first
 * cohort's local midnight, or in months from its month.
 */
function periodOf(q: CohortQuery, ts: Sql): Sql {
  const segments = offsetSegments(q.readStartMs, q.readEndMs, q.timezone);
  let offset = bindInt(segments[segments.length - 1]!.offsetMs);
  for (let i = segments.length - 1; i > 0; i--)
    offset = sql`CASE WHEN ${ts} < epoch_ms(${bindInt(segments[i]!.fromMs)}) THEN ${bindInt(segments[i - 1]!.offsetMs)} ELSE ${offset} END`;
  const local = sql`(epoch_ms(${ts}) + ${offset})`;
  const first = firstBucket(q);
  if (q.interval === 'month') {
    const months = Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7)) - 1;
    const t = sql`make_timestamp(${local} * 1000)`;
    return sql`(year(${t}) * 12 + month(${t}) - 1 - ${bindInt(months)})`;
  }
  const length = q.interval === 'week' ? 7 * DAY : DAY;
  const from = Date.parse(`${first}T00:00:00Z`);
  // Integer division truncates: an instant shortly before the first cohort's period gets 0, not −1. Only
  // members first seen before the first cohort have such instants, and they are not counted.
  return sql`((${local} - ${bindInt(from)}) // ${bindInt(length)})`;
}

/** The bucket text (run.ts: 'YYYY-MM-DD', the first local day of the period) of period number `i`. */
function bucketText(q: CohortQuery, i: Sql): Sql {
  const first = sql`CAST(${keyword(`'${firstBucket(q)}'`)} AS DATE)`;
  const step =
    q.interval === 'month'
      ? sql`to_months(CAST(${i} AS INTEGER))`
      : q.interval === 'week'
        ? sql`to_days(CAST(${i} * 7 AS INTEGER))`
        : sql`to_days(CAST(${i} AS INTEGER))`;
  return sql`strftime(${first} + ${step}, '%Y-%m-%d')`;
}

/**
 * The served grid over `hours` (vk, uk, ts: the rollup's rows with their keys, visitor-hours.ts). The
 * person rule (people.ts) on keys: a row's user key, else the latest user key its visitor carried in
 * the rows read, else its visitor key; each key is that of the rule's text ('u' + user id, 'v' + visitor
 * id), so members group as by their text.
 */
export function servedGrid(d: Dialect, q: CohortQuery, hours: Sql): Sql {
  if (d.name !== 'duckdb') throw new Error('cohorts: the served grid is DuckDB only');
  const { periods } = q;
  const top = lastBit(q);
  const latest = sql`SELECT vk, arg_max(uk, ts) AS lk FROM ${hours} WHERE uk IS NOT NULL GROUP BY vk`;
  const rows = q.people
    ? sql`SELECT coalesce(uk, lk, vk) AS m, ts FROM ${hours} AS h LEFT JOIN (${latest}) AS l USING (vk)`
    : sql`SELECT vk AS m, ts FROM ${hours} AS h`;
  const i = periodOf(q, ident('ts'));
  const bit = sql`CASE WHEN i BETWEEN 0 AND ${bindInt(top)} THEN (CAST(1 AS BIGINT) << CAST(i AS INTEGER)) ELSE 0 END`;
  const numbered = sql`SELECT m, ts, ${i} AS i FROM (${rows}) AS r`;
  const members = sql`SELECT min(ts) AS ft, min(i) AS fi, bit_or(${bit}) AS bits FROM (${numbered}) AS n GROUP BY m`;
  const inRange = sql`ft >= ${d.timestampFromMs(q.startMs)} AND ft < ${d.timestampFromMs(q.endMs)}`;
  // fi is the first time's period; every active period of a member counted here is at or after it.
  const mask = sql`((CAST(1 AS BIGINT) << ${bindInt(periods)}) - 1)`;
  const patterns = sql`SELECT fi, (bits >> CAST(fi AS INTEGER)) & ${mask} AS p, count(*) AS n FROM (${members}) AS m WHERE ${inRange} GROUP BY ALL`;
  const cells = sql`SELECT fi, fi + k AS bi, sum(n) AS n FROM (${patterns}) AS g, range(${bindInt(periods)}) AS o(k)
    WHERE (p >> CAST(k AS INTEGER)) & 1 = 1 GROUP BY ALL`;
  return sql`SELECT '' AS ck, ${bucketText(q, sql`fi`)} AS fb, ${bucketText(q, sql`bi`)} AS b, n, 0 AS c, 0 AS cvs FROM (${cells}) AS x ORDER BY fb, b`;
}
