import { TidemarkError } from '@tidemark/core';
import type { SqlDialectName } from '../../store';
import type { Dialect } from '../dialect';
import { duckdbDialect } from './duckdb';
import { clickhouseDialect } from './clickhouse';

/** One entry per engine; an engine's dialect lives beside this file (dialects/<engine>.ts). */
const DIALECTS: Partial<Record<SqlDialectName, Dialect>> = {
  duckdb: duckdbDialect,
  clickhouse: clickhouseDialect,
};

export function registerDialect(dialect: Dialect): void {
  DIALECTS[dialect.name] = dialect;
}

export function dialectFor(name: SqlDialectName): Dialect {
  const d = DIALECTS[name];
  if (!d) throw new TidemarkError(500, 'no_stats_dialect', `The stats engine has no SQL dialect for ${name}`);
  return d;
}
