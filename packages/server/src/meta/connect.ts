import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { MetaSchema } from './schema';

export type MetaDialectName = 'sqlite' | 'postgres';

export interface MetaConnection {
  db: Kysely<MetaSchema>;
  dialect: MetaDialectName;
}

const PG_INT8_OID = 20;

/**
 * Postgres returns bigint as text; our bigint columns hold milliseconds and counts, which fit a double,
 * so this pool parses them as numbers. Scoped to our pool only, not pg's process-wide parsers.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** PostgreSQL when a URL is given, else the SQLite file `${dataDir}/meta.sqlite` (`:memory:` accepted). */
export function connectMeta(opts: { databaseUrl?: string; sqlitePath?: string; dataDir?: string }): MetaConnection {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10, types: pgTypes });
    // An idle pooled connection can be closed by the server (restart, failover, an administrator). The pool
    // drops that client and the next query opens a new one; without a listener the 'error' event would
    // be an uncaught exception and end the process.
    pool.on('error', (err) => console.error(`metadata: an idle PostgreSQL connection was closed (${err.message}); it will be replaced`));
    return { db: new Kysely<MetaSchema>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  const file = opts.sqlitePath ?? path.join(opts.dataDir ?? '.', 'meta.sqlite');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return { db: new Kysely<MetaSchema>({ dialect: new SqliteDialect({ database: sqlite }) }), dialect: 'sqlite' };
}
