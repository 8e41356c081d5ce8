import type { DerivedTables } from '../event-store';
import type { ClickHouseClient } from './http';
import { prepareStatement } from './statement';

/**
 * Derived tables (the vault) at scale: statements prepared like the store's reads (bound values rendered
 * as escaped literals, FINAL on the deduplicated event tables); deletes are mutations, awaited.
 */
export function clickHouseDerivedTables(
  http: ClickHouseClient,
  finalTables: ReadonlySet<string>,
  awaitMutations: (tables: string[]) => Promise<void>,
): DerivedTables {
  const prepare = (sql: string, params: unknown[] = []) => prepareStatement(sql, params, { finalTables });
  return {
    dialect: 'clickhouse',
    all: (sql, params) => http.select(prepare(sql, params), { timeoutMs: 600_000 }),
    run: (sql, params) => http.exec(prepare(sql, params), { timeoutMs: 600_000 }),
    insert: (table, columns, rows) => http.insert(table, columns, rows),
    async delete(table, where, params) {
      const [row] = await http.select<{ n: number }>(prepare(`SELECT count() AS n FROM ${table} WHERE ${where}`, params));
      const n = Number(row?.n ?? 0);
      if (n) {
        await http.exec(prepare(`ALTER TABLE ${table} DELETE WHERE ${where}`, params));
        await awaitMutations([table]);
      }
      return n;
    },
    exclusive: (fn) => fn(),
    close: async () => undefined,
  };
}
