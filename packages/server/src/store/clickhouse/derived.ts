import type { DerivedTables } from '../event-store';
import type { ClickHouseClient } from './http';
import { prepareStatement } from './statement';

/**
 * Derived tables (the vault) at scale: statements prepared like the store's reads (bound values rendered
 * as escaped literals, FINAL on the deduplicated event tables); deletes are mutations, awaited. The
 * events' own purges are mutations too: a load that reads events a purge is deleting writes rows about them
 * that the purge's next pass (or the vault's purge, run after the events') removes.
 */
export function clickHouseDerivedTables(
  http: ClickHouseClient,
  finalTables: ReadonlySet<string>,
  awaitMutations: (tables: string[]) => Promise<void>,
): DerivedTables {
  const prepare = (sql: string, params: unknown[] = []) => prepareStatement(sql, params, { finalTables });
  // Loads and the vault's own purges of this process run one at a time (the jobs leader runs both).
  let chain: Promise<unknown> = Promise.resolve();
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
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const run = chain.then(fn, fn);
      chain = run.catch(() => undefined);
      return run;
    },
    close: async () => undefined,
  };
}
