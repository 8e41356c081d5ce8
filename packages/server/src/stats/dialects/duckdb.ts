import type { Dialect, Interval } from '../dialect';
import { offsetSegments, type OffsetSegment } from '../period';
import { bindInt, bindString, ident, join, keyword, sql, type BoundValue, type Sql } from '../sql';

/** Bound parameters carry an explicit type, so DuckDB never has to guess (e.g. `timezone(?, …)`). */
const CAST: Record<BoundValue['type'], string> = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
};

const TRUNC: Record<Interval, Sql> = {
  hour: keyword("'hour'"),
  day: keyword("'day'"),
  week: keyword("'week'"), // ISO week, Monday
  month: keyword("'month'"),
};

function localBySegments(ts: Sql, segments: OffsetSegment[]): Sql {
  let offset = bindInt(segments[segments.length - 1].offsetMs);
  for (let i = segments.length - 1; i > 0; i--) {
    offset = sql`CASE WHEN ${ts} < epoch_ms(${bindInt(segments[i].fromMs)}) THEN ${bindInt(segments[i - 1].offsetMs)} ELSE ${offset} END`;
  }
  return sql`(${ts} + to_milliseconds(${offset}))`;
}

/** DuckDB: `?` positional parameters; `events.ts` is a TIMESTAMP holding UTC. Needs the ICU extension (built in). */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  supportsCte: true,
  inlinesValues: false,
  placeholder(value) {
    return `CAST(? AS ${CAST[value.type]})`;
  },

  timestampFromMs: (ms) => sql`epoch_ms(${bindInt(ms)})`,
  timestampToMs: (ts) => sql`epoch_ms(${ts})`,
  msToTimestamp: (ms) => sql`epoch_ms(${ms})`,
  // timezone('UTC', ts) reads the naive TIMESTAMP as UTC; timezone(tz, …) gives local wall-clock time.
  toTimezone: (ts, tz) => sql`timezone(${bindString(tz)}, timezone('UTC', ${ts}))`,
  timeBucket(ts, interval, tz, span) {
    // ICU's conversion costs microseconds per row; within a span the offsets are known (period.ts),
    // so local time is plain arithmetic: the same wall-clock value for every instant in the span.
    const local = span ? localBySegments(ts, offsetSegments(span.startMs, span.endMs, tz)) : duckdbDialect.toTimezone(ts, tz);
    const format = interval === 'hour' ? keyword("'%Y-%m-%d %H:00:00'") : keyword("'%Y-%m-%d'");
    return sql`strftime(date_trunc(${TRUNC[interval]}, ${local}), ${format})`;
  },

  uniq: (expr) => sql`count(DISTINCT ${expr})`,
  uniqIf: (expr, cond) => sql`count(DISTINCT ${expr}) FILTER (WHERE ${cond})`,
  countIf: (cond) => sql`count_if(${cond})`,
  sumIf: (expr, cond) => sql`coalesce(sum(${expr}) FILTER (WHERE ${cond}), 0)`,
  anyValue: (expr) => sql`any_value(${expr})`,
  argMinIf: (value, by, cond) => sql`coalesce(arg_min(${value}, ${by}) FILTER (WHERE ${cond}), '')`,
  argMaxIf: (value, by, cond) => sql`coalesce(arg_max(${value}, ${by}) FILTER (WHERE ${cond}), '')`,
  quantile(expr, q) {
    if (!(q >= 0 && q <= 1)) throw new Error('quantile: q must be within 0..1');
    return sql`quantile_cont(${expr}, ${keyword(String(q))})`;
  },

  // A JSON path with the key quoted: keys are restricted (no quotes/backslashes) by the query schema.
  // TRY: a row whose text is not valid JSON (e.g. a lone surrogate escape stored by an older release)
  // reads as absent instead of failing the whole report.
  propertyValue: (props, key) => sql`coalesce(TRY(json_extract_string(${props}, ${bindString(`$."${key}"`)})), '')`,
  regexMatch: (expr, pattern) => sql`regexp_matches(${expr}, ${pattern})`,
  containsInsensitive: (expr, needle) => sql`contains(lower(${expr}), lower(${needle}))`,
  toText: (expr) => sql`coalesce(CAST(${expr} AS VARCHAR), '')`,
  concat: (parts) => sql`concat(${join(parts)})`,
  toNumberOrNull: (text) => sql`TRY_CAST(${text} AS DOUBLE)`,
  unnestNonEmpty: (items) => sql`unnest(list_filter([${join(items)}], x -> x <> ''))`,

  joinUsing: (left, right, keys) => sql`(${left}) AS l JOIN (${right}) AS r USING (${join(keys.map(ident))})`,

  pageViewSequence(rows, columns) {
    const isPv = sql`name = 'page_view'`;
    const seq = sql`sum(CASE WHEN ${isPv} THEN 1 ELSE 0 END) OVER (PARTITION BY session_id, visitor_id ORDER BY ts, ${isPv}, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    const next = sql`CASE WHEN ${isPv} THEN epoch_ms(lead(ts) OVER (PARTITION BY session_id, visitor_id, ${isPv} ORDER BY ts, event_id)) END`;
    return sql`SELECT ${join(columns.map((c) => ident(c)))}, ${seq} AS pv_seq, ${next} AS pv_next_ms FROM (${rows}) AS e`;
  },
};
