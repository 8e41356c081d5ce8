import { PASSIVE_EVENT_NAMES } from '@tidemark/core';
import type { SqlDialectName } from '../store';

/**
 * The few SQL pieces the vault load writes differently per engine. Event times: DuckDB keeps TIMESTAMPs,
 * ClickHouse Int64 ms; the vault keeps ms on both.
 */
export interface VaultDialect {
  /** MD5 hex of the expressions joined by '|' (keys.ts `hashKey`). */
  hk(...exprs: string[]): string;
  /** After a vault table name in FROM: reads its current row versions (ClickHouse FINAL). */
  final: string;
  /** An events time column as ms. */
  ms(col: string): string;
  /** `col > ?` / `col <= ?` for an events time column and a ms param. */
  after(col: string): string;
  upTo(col: string): string;
  /** A UUID or other column as text. */
  text(col: string): string;
  /** A nullable int column as text, NULL as ''. */
  intText(col: string): string;
  /** ms column in whole seconds. */
  seconds(col: string): string;
  countIf(cond: string): string;
  distinct(col: string): string;
  /** val of the row with the smallest / largest `by` among those matching cond ('' when none). */
  firstIf(val: string, by: string, cond: string): string;
  lastIf(val: string, by: string, cond: string): string;
  first(val: string, by: string): string;
  last(val: string, by: string): string;
}

const passive = PASSIVE_EVENT_NAMES.map((n) => `'${n}'`).join(', ');
/** Events that end a bounce (DESIGN §4). */
export const interactive = `name NOT IN (${passive})`;

const duckdb: VaultDialect = {
  hk: (...e) => `md5(concat_ws('|', ${e.join(', ')}))`,
  final: '',
  ms: (col) => `epoch_ms(${col})`,
  after: (col) => `${col} > epoch_ms(CAST(? AS BIGINT))`,
  upTo: (col) => `${col} <= epoch_ms(CAST(? AS BIGINT))`,
  text: (col) => `CAST(${col} AS VARCHAR)`,
  intText: (col) => `coalesce(CAST(${col} AS VARCHAR), '')`,
  seconds: (col) => `${col} // 1000`,
  countIf: (cond) => `count(*) FILTER (WHERE ${cond})`,
  distinct: (col) => `count(DISTINCT ${col})`,
  firstIf: (val, by, cond) => `coalesce(arg_min(${val}, ${by}) FILTER (WHERE ${cond}), '')`,
  lastIf: (val, by, cond) => `coalesce(arg_max(${val}, ${by}) FILTER (WHERE ${cond}), '')`,
  first: (val, by) => `arg_min(${val}, ${by})`,
  last: (val, by) => `arg_max(${val}, ${by})`,
};

const clickhouse: VaultDialect = {
  // concat_ws arrived after 18.16: concat with the separators written out.
  hk: (...e) => `lower(hex(MD5(concat(${e.join(", '|', ")}))))`,
  final: ' FINAL',
  ms: (col) => col,
  after: (col) => `${col} > ?`,
  upTo: (col) => `${col} <= ?`,
  text: (col) => `toString(${col})`,
  intText: (col) => `ifNull(toString(${col}), '')`,
  seconds: (col) => `intDiv(${col}, 1000)`,
  countIf: (cond) => `countIf(${cond})`,
  distinct: (col) => `uniqExact(${col})`,
  firstIf: (val, by, cond) => `argMinIf(${val}, ${by}, ${cond})`,
  lastIf: (val, by, cond) => `argMaxIf(${val}, ${by}, ${cond})`,
  first: (val, by) => `argMin(${val}, ${by})`,
  last: (val, by) => `argMax(${val}, ${by})`,
};

export const vaultDialect = (name: SqlDialectName): VaultDialect => (name === 'duckdb' ? duckdb : clickhouse);
