import type { SqlDialectName } from '../store';
import type { Placeholders, Sql } from './sql';

/** Time buckets for timeseries, always computed in the site's (or query's) IANA timezone. */
export type Interval = 'hour' | 'day' | 'week' | 'month';

/**
 * The only engine-specific pieces of the stats compiler (DESIGN §5). Everything else — which
 * columns, which aggregates, how sessions are built, filters, ordering — is written once in the
 * compiler against this interface. Each method returns a small expression; none of them receives
 * request text except through bound fragments (`Sql`) or values that the query schema has already
 * validated (timezone: a known IANA name; property key: a strict pattern), and even those are bound
 * (or strictly escaped by `placeholder` on engines without server-side parameters).
 *
 * Conventions every implementation must follow so results are identical across engines:
 * - `ts` columns hold UTC instants; the `events` table has the columns of core EVENT_COLUMNS.
 * - `timeBucket` returns TEXT: 'YYYY-MM-DD HH:00:00' for hour, 'YYYY-MM-DD' (the first local day of
 *   the bucket) for day, week (ISO weeks, starting Monday) and month.
 * - `uniq*` are exact distinct counts.
 * - `propertyValue` yields '' when the key is absent.
 * - String comparisons are case-sensitive except `containsInsensitive`.
 */
export interface Dialect extends Placeholders {
  readonly name: SqlDialectName;
  /** Whether `WITH name AS (subquery)` may be used; otherwise the compiler inlines subqueries. */
  readonly supportsCte: boolean;

  // --- time -----------------------------------------------------------------------------------
  /** A timestamp value equal to `ms` milliseconds since the epoch (UTC), bound. */
  timestampFromMs(ms: number): Sql;
  /** The timestamp of an integer expression of epoch milliseconds (the ms columns of side tables). */
  msToTimestamp(ms: Sql): Sql;
  /** Milliseconds since the epoch (an integer expression) of a timestamp expression. */
  timestampToMs(ts: Sql): Sql;
  /** The wall-clock time of the UTC instant `ts` in timezone `tz` (validated IANA name, bound). */
  toTimezone(ts: Sql, tz: string): Sql;
  /**
   * Bucket key (TEXT, format above) of the UTC instant `ts` in timezone `tz`. When `span` is given,
   * only instants within it need the right key (rows outside are filtered out).
   */
  timeBucket(ts: Sql, interval: Interval, tz: string, span?: { startMs: number; endMs: number }): Sql;

  // --- aggregates -------------------------------------------------------------------------------
  /** Exact count of distinct non-null values. */
  uniq(expr: Sql): Sql;
  /** Exact count of distinct values among rows where `cond` holds. */
  uniqIf(expr: Sql, cond: Sql): Sql;
  countIf(cond: Sql): Sql;
  /** Sum of `expr` over rows where `cond` holds; 0 (not NULL) when none. */
  sumIf(expr: Sql, cond: Sql): Sql;
  /** Any one value of `expr` in the group (used where all values are equal). */
  anyValue(expr: Sql): Sql;
  /** `value` of the row with the smallest `by` among rows where `cond` holds; '' when none. */
  argMinIf(value: Sql, by: Sql, cond: Sql): Sql;
  /** `value` of the row with the largest `by` among rows where `cond` holds; '' when none. */
  argMaxIf(value: Sql, by: Sql, cond: Sql): Sql;
  /** Interpolated quantile q (0..1) of `expr`. */
  quantile(expr: Sql, q: number): Sql;

  // --- values -----------------------------------------------------------------------------------
  /** The string value of key `key` of the JSON-text column `props`; '' when absent. `key` is bound. */
  propertyValue(props: Sql, key: string): Sql;
  /** True when `expr` matches the RE2 regular expression `pattern` (a bound fragment) anywhere. */
  regexMatch(expr: Sql, pattern: Sql): Sql;
  /** True when `expr` contains `needle` (a bound fragment), ignoring case. */
  containsInsensitive(expr: Sql, needle: Sql): Sql;
  /** Text form of a non-string value (integer → decimal, uuid → lowercase hex with dashes); '' for NULL. */
  toText(expr: Sql): Sql;
  /** String concatenation. */
  concat(parts: Sql[]): Sql;
  /** The number a text holds (e.g. a property value), NULL when it holds none ('' included). */
  toNumberOrNull(text: Sql): Sql;
  /**
   * In a SELECT list: one output row per non-empty string among `items` (text expressions, at least
   * one), the row dropped when all are empty. Used for the multi-valued `goal` dimension.
   */
  unnestNonEmpty(items: Sql[]): Sql;

  // --- structure --------------------------------------------------------------------------------
  /**
   * `FROM`-clause text joining two subqueries (each a full SELECT whose column names are unique
   * apart from the keys) with an inner join on equal `keys`; the outer query uses unqualified names.
   */
  joinUsing(left: Sql, right: Sql, keys: string[]): Sql;

  /**
   * Numbers each session's events by the page view they follow (time on page, page-views.ts).
   * `rows` is a SELECT with at least `columns`, which include session_id, visitor_id, ts, name and
   * event_id. The result has `columns` plus, per row, `pv_seq`: the count of the session's
   * (session_id, visitor_id) page_view rows up to and including this one in the order (ts, page_view
   * after other events at the same instant, event_id) — 0 before the first page view; and `pv_next_ms`:
   * on a page_view row, the epoch ms of the session's next page_view in that order, otherwise NULL.
   */
  pageViewSequence(rows: Sql, columns: readonly string[]): Sql;
}
