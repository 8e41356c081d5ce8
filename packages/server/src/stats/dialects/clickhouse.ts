import { quoteFloat, quoteInt, quoteString } from '../../store';
import type { Dialect, Interval } from '../dialect';
import { bindInt, bindString, ident, join, keyword, sql, type Sql } from '../sql';

/**
 * ClickHouse (18.16 as Debian ships it, and current releases).
 *
 * - No server-side parameters before 19.x: every bound value is written as a literal by the store's
 *   escaping module (store/clickhouse/escape.ts), the single place where values become SQL text.
 * - `events.ts` is Int64 milliseconds (DateTime64 does not exist on old servers), so timestamps are
 *   plain integers here and only converted to DateTime, in the requested timezone, for bucketing.
 *   toDateTime(x, tz) needs tz as a constant: an escaped literal is one.
 * - No `WITH name AS (subquery)` on old servers: the compiler inlines the session subquery.
 * - formatDateTime ignores the argument's timezone on 18.x; toString of a DateTime carrying a
 *   timezone prints it in that timezone, so buckets are built from toStartOf*() + toString().
 * - Reads of `events` go through FINAL (added by the store) so duplicates are never counted.
 * - No window functions before 21.x: per-session orderings (pageViewSequence) are sorted arrays,
 *   expanded again with ARRAY JOIN. Every lambda names its parameter differently: 18.16 confuses a
 *   column alias whose expression has a lambda with a lambda of the same parameter name using it.
 */
const localTime = (ts: Sql, tz: string) => sql`toDateTime(intDiv(${ts}, 1000), ${bindString(tz)})`;

const BUCKET: Record<Interval, (local: Sql) => Sql> = {
  hour: (t) => sql`toString(toStartOfHour(${t}))`, // 'YYYY-MM-DD HH:00:00'
  day: (t) => sql`toString(toDate(${t}))`,
  week: (t) => sql`toString(toMonday(${t}))`, // ISO week, Monday
  month: (t) => sql`toString(toStartOfMonth(${t}))`,
};

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  supportsCte: false,
  inlinesValues: true,
  placeholder(value) {
    switch (value.type) {
      case 'string':
        return quoteString(value.value as string);
      case 'int':
        return quoteInt(value.value as number);
      case 'float':
        return quoteFloat(value.value as number);
      case 'bool':
        if (typeof value.value !== 'boolean') throw new TypeError('placeholder: not a boolean');
        return value.value ? '1' : '0';
    }
  },

  timestampFromMs: (ms) => bindInt(ms),
  timestampToMs: (ts) => ts,
  msToTimestamp: (ms) => ms,
  toTimezone: (ts, tz) => localTime(ts, tz),
  timeBucket: (ts, interval, tz) => BUCKET[interval](localTime(ts, tz)),

  uniq: (expr) => sql`uniqExact(${expr})`,
  uniqIf: (expr, cond) => sql`uniqExactIf(${expr}, ${cond})`,
  countIf: (cond) => sql`countIf(${cond})`,
  sumIf: (expr, cond) => sql`sumIf(${expr}, ${cond})`,
  anyValue: (expr) => sql`any(${expr})`,
  // For a String value, argMin*If over no rows gives the type's default, ''.
  argMinIf: (value, by, cond) => sql`argMinIf(${value}, ${by}, ${cond})`,
  argMaxIf: (value, by, cond) => sql`argMaxIf(${value}, ${by}, ${cond})`,
  quantile(expr, q) {
    if (!(q >= 0 && q <= 1)) throw new Error('quantile: q must be within 0..1');
    // Exact and interpolated like DuckDB's quantile_cont: ClickHouse's quantile() samples and
    // quantileExact() does not interpolate. Identical sub-expressions are computed once.
    const sorted = sql`arraySort(groupArray(toFloat64(${expr})))`;
    const pos = sql`(${keyword(String(q))} * (length(${sorted}) - 1))`;
    const at = (i: Sql) => sql`arrayElement(${sorted}, toUInt64(${i}) + 1)`;
    const lo = sql`floor(${pos})`;
    const hi = sql`ceil(${pos})`;
    return sql`if(length(${sorted}) = 0, NULL, ${at(lo)} + (${pos} - ${lo}) * (${at(hi)} - ${at(lo)}))`;
  },

  // Props are flat string→string JSON text written by JSON.stringify, so a key's `"key":` only
  // occurs as that key; visitParamExtractString unescapes the value and gives '' when absent.
  propertyValue: (props, key) => sql`visitParamExtractString(${props}, ${bindString(key)})`,
  regexMatch: (expr, pattern) => sql`match(${expr}, ${pattern})`,
  containsInsensitive: (expr, needle) => sql`(position(lowerUTF8(${expr}), lowerUTF8(${needle})) > 0)`,
  toText: (expr) => sql`coalesce(toString(${expr}), '')`,
  unnestNonEmpty: (items) => sql`arrayJoin(arrayFilter(x -> x != '', [${join(items)}]))`,
  concat: (parts) => (parts.length === 1 ? sql`toString(${parts[0]})` : sql`concat(${join(parts)})`),
  toNumberOrNull: (text) => sql`toFloat64OrNull(${text})`,

  joinUsing: (left, right, keys) => sql`(${left}) AS l ALL INNER JOIN (${right}) AS r USING (${join(keys.map(ident))})`,

  pageViewSequence(rows, columns) {
    const rest = columns.filter((c) => c !== 'session_id' && c !== 'visitor_id');
    const at = (v: string, c: string) => sql`tupleElement(${ident(v)}, ${keyword(String(rest.indexOf(c) + 1))})`;
    const isPv = (v: string) => sql`${at(v, 'name')} = 'page_view'`;
    // The session's events as tuples sorted by (ts, page_view last, event_id).
    const evs = sql`arraySort(x1 -> (${at('x1', 'ts')}, ${isPv('x1')}, ${at('x1', 'event_id')}), groupArray(tuple(${join(rest.map((c) => ident(c)))})))`;
    const seqs = sql`arrayCumSum(arrayMap(x2 -> toInt64(${isPv('x2')}), pv_evs))`;
    const pvTimes = sql`arrayMap(x3 -> ${at('x3', 'ts')}, arrayFilter(x4 -> ${isPv('x4')}, pv_evs))`;
    const nexts = sql`arrayMap((x5, k5) -> if(${isPv('x5')} AND k5 < length(pv_times), arrayElement(pv_times, k5 + 1), NULL), pv_evs, pv_seqs)`;
    const perSession = sql`SELECT session_id, visitor_id, ${evs} AS pv_evs, ${seqs} AS pv_seqs, ${pvTimes} AS pv_times, ${nexts} AS pv_nexts FROM (${rows}) AS e GROUP BY session_id, visitor_id`;
    const out = [ident('session_id'), ident('visitor_id'), ...rest.map((c) => sql`${at('pv_e', c)} AS ${ident(c)}`)];
    return sql`SELECT ${join(out)}, pv_seq, pv_next_ms FROM (${perSession}) AS g ARRAY JOIN pv_evs AS pv_e, pv_seqs AS pv_seq, pv_nexts AS pv_next_ms`;
  },
};
