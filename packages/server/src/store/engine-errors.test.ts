import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbClient } from './duckdb/client';
import { ClickHouseError } from './clickhouse/http';
import { engineInputError } from './engine-errors';

describe('engine input errors', () => {
  let db: DuckDbClient;
  beforeAll(async () => {
    db = await DuckDbClient.open(':memory:');
  });
  afterAll(() => db?.close());

  const refusal = async (sql: string, params: unknown[] = []) => {
    try {
      await db.all(sql, params);
    } catch (err) {
      return engineInputError(err);
    }
    throw new Error(`no error from ${sql}`);
  };

  it('DuckDB: values it refuses are input errors, named by class only', async () => {
    expect(await refusal('SELECT regexp_matches(?, ?)', ['x', '\\Z'])).toEqual({ engine: 'duckdb', kind: 'Invalid Input' });
    expect(await refusal('SELECT CAST(? AS INTEGER)', ['secret-value'])).toEqual({ engine: 'duckdb', kind: 'Conversion' });
    expect(await refusal('SELECT json_extract_string(?, ?)', ['{"k":"\\ud800"}', '$.k'])).toEqual({
      engine: 'duckdb',
      kind: 'Invalid Input',
    });
  });

  it('DuckDB: faults of the statement are not', async () => {
    expect(await refusal('SELECT no_such_column')).toBeNull();
    expect(await refusal('SELEC 1')).toBeNull();
  });

  it('ClickHouse: by the server code class', () => {
    expect(engineInputError(new ClickHouseError('ClickHouse: Code: 427, cannot compile re2', 427, 500))).toEqual({
      engine: 'clickhouse',
      kind: 'code 427',
    });
    expect(engineInputError(new ClickHouseError('ClickHouse: Code: 62, Syntax error', 62, 500))).toBeNull();
    expect(engineInputError(new ClickHouseError('unreachable', null, 0))).toBeNull();
    expect(engineInputError(new Error('something else'))).toBeNull();
  });
});
