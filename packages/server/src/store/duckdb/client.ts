import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';

/**
 * A thin wrapper over one DuckDB connection: positional `?` params, rows as plain JS objects.
 * A DuckDB connection runs one statement at a time and holds one transaction, so each concurrent user
 * (the writer, each reader) gets its own client from `fork()`; they share the database instance.
 */
export class DuckDbClient {
  private readonly statements = new Map<string, Promise<DuckDBPreparedStatement>>();
  /** Prepared read statements, least recently used first (`allCached`). */
  private readonly reads = new Map<string, Promise<DuckDBPreparedStatement>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly ownsInstance: boolean,
  ) {}

  /** `options` are DuckDB settings given at open time, e.g. { checkpoint_threshold: '64MB' }. */
  static async open(path: string, options?: Record<string, string>): Promise<DuckDbClient> {
    const instance = await DuckDBInstance.create(path, options);
    const conn = await instance.connect();
    return new DuckDbClient(instance, conn, true);
  }

  /** Another connection to the same database; closing it leaves the database open. */
  async fork(): Promise<DuckDbClient> {
    return new DuckDbClient(this.instance, await this.instance.connect(), false);
  }

  /** A raw connection to the same database (e.g. readers beside the writer). */
  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  get connection(): DuckDBConnection {
    return this.conn;
  }

  /** Runs `fn` inside BEGIN … COMMIT on this connection, rolling back (and rethrowing) if it fails. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await fn();
      await this.run('COMMIT');
      return result;
    } catch (err) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async run(sql: string, params: unknown[] = []): Promise<void> {
    await this.conn.run(sql, params.length ? (params.map(toDuckValue) as DuckDBValue[]) : undefined);
  }

  /**
   * `run` for a statement issued again and again (the commit path): prepared once per connection, so each
   * call is one trip to DuckDB's thread instead of three (extract, prepare, execute), each of which
   * otherwise waits its turn on a busy event loop. One statement at a time per connection, as always.
   */
  async runPrepared(sql: string, params: unknown[]): Promise<void> {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.conn.prepare(sql);
      this.statements.set(sql, prepared);
      prepared.catch(() => this.statements.delete(sql));
    }
    const statement = await prepared;
    statement.bind(params.map(toDuckValue) as DuckDBValue[]);
    await statement.run();
  }

  /** Runs a statement and returns the number of rows it changed (INSERT/UPDATE/DELETE). */
  async change(sql: string, params: unknown[] = []): Promise<number> {
    const result = await this.conn.run(sql, params.length ? (params.map(toDuckValue) as DuckDBValue[]) : undefined);
    return Number(result.rowsChanged);
  }

  async all<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params.length ? (params.map(toDuckValue) as DuckDBValue[]) : undefined);
    return reader.getRowObjectsJS().map(plainRow) as T[];
  }

  /**
   * `all` for a connection used by one caller at a time (the store's readers): statements are prepared
   * once and kept (the last READ_CACHE of them), so a repeated report skips parsing and planning — for
   * the dashboard's largest statement ~20 ms of ~90. A prepared statement runs on the data committed
   * when it runs, like any other.
   */
  async allCached<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    let prepared = this.reads.get(sql);
    if (prepared) {
      this.reads.delete(sql);
    } else {
      prepared = this.conn.prepare(sql);
      prepared.catch(() => this.reads.delete(sql));
      if (this.reads.size >= READ_CACHE) {
        const [oldest, statement] = this.reads.entries().next().value as [string, Promise<DuckDBPreparedStatement>];
        this.reads.delete(oldest);
        void statement.then((st) => st.destroySync()).catch(() => undefined);
      }
    }
    this.reads.set(sql, prepared);
    const statement = await prepared;
    statement.clearBindings();
    if (params.length) statement.bind(params.map(toDuckValue) as DuckDBValue[]);
    const reader = await statement.runAndReadAll();
    return reader.getRowObjectsJS().map(plainRow) as T[];
  }

  close(): void {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

const READ_CACHE = 64;

/** BIGINT/HUGEINT come back as bigint; counts and sums here always fit a double. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k in row) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  return row;
}

function toDuckValue(v: unknown): unknown {
  if (v === undefined) return null;
  return v;
}
