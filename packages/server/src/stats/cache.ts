import type { EventStore } from '../store';

export type Reader = Pick<EventStore, 'query'>;

/**
 * Identical statements issued at about the same time (a dashboard loading several cards with the
 * same KPIs, many viewers of one site) share one execution: in-flight results are shared and kept
 * for `ttlMs` afterwards. Keys are the exact SQL text plus bound params, so different sites,
 * periods or filters never share an entry.
 */
export class SharedQueries implements Reader {
  private readonly entries = new Map<string, { at: number; rows: Promise<unknown[]> }>();

  constructor(
    private readonly reader: Reader,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 500,
  ) {}

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.ttlMs <= 0) return this.reader.query<T>(sql, params);
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.rows as Promise<T[]>;
    const rows = this.reader.query<T>(sql, params);
    if (this.entries.size >= this.maxEntries) this.sweep(now);
    this.entries.set(key, { at: now, rows });
    rows.catch(() => this.entries.delete(key));
    return rows;
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(k);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
  }
}
