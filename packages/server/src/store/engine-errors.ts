import { ClickHouseError } from './clickhouse/http';

/** Which engine refused a value, and the class of the refusal (never the message: it may quote stored values). */
export interface EngineInputError {
  engine: 'duckdb' | 'clickhouse';
  kind: string;
}

/**
 * DuckDB's exception classes that mean "a value was refused" (a pattern that does not compile, a number
 * or date out of range, text that does not convert), as opposed to faults of the statement or the
 * engine (Binder, Parser, Catalog, Internal, IO, Out of Memory, Interrupt …). The class opens every message.
 */
const DUCKDB_INPUT_CLASSES = /^(Invalid Input|Conversion|Out of Range) Error: /;

/**
 * Classifies an error from an engine as one caused by the values a statement was given — the caller's
 * input, so a 400 — or not (null). One rule per engine, by the engine's own classification of its
 * errors; no list of particular messages.
 */
export function engineInputError(err: unknown): EngineInputError | null {
  if (err instanceof ClickHouseError) return err.isInputError ? { engine: 'clickhouse', kind: `code ${err.code}` } : null;
  if (err instanceof Error) {
    const m = DUCKDB_INPUT_CLASSES.exec(err.message);
    if (m) return { engine: 'duckdb', kind: m[1]! };
  }
  return null;
}
