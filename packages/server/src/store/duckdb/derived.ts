import type { DerivedTables } from '../event-store';
import type { DuckDbClient } from './client';

/** Rows per INSERT statement (bound params stay well below DuckDB's limits). */
const ROWS_PER_INSERT = 200;

/**
 * Derived tables (the vault) on the embedded engine: a connection of their own beside the writer; the
 * store's `maintenance` lock keeps a load and a purge from running at once.
 */
export function duckDbDerivedTables(db: DuckDbClient, maintenance: <T>(fn: () => Promise<T>) => Promise<T>): DerivedTables {
  return {
    dialect: 'duckdb',
    all: (sql, params = []) => db.all(sql, params),
    run: (sql, params = []) => db.run(sql, params),
    async insert(table, columns, rows) {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        const values = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
        await db.run(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`,
          chunk.flatMap((r) => columns.map((c) => r[c] ?? null)),
        );
      }
    },
    delete: (table, where, params = []) => db.change(`DELETE FROM ${table} WHERE ${where}`, params),
    exclusive: maintenance,
    close: async () => db.close(),
  };
}
