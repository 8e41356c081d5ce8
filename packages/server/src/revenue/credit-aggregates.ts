import type { EventStore } from '../store';

/**
 * What the revenue page reads from stored credits and transactions (attribution rows, totals and series,
 * see report-credits.ts; the listed transactions with their main touches; LTV), kept per site and request
 * shape while the site's credits are unchanged: reloading the page or switching periods back and forth
 * reads none of it again. Transactions are covered too: a changed transaction gets its credits rewritten
 * before the page is read (CreditWatch), and erasing or purging one does the same to its credits.
 *
 * The credits' version is read from the credits themselves on every call, so every writer moves it, in
 * any process: recomputation (credits.ts writes rows with a higher `version`, voids included), retention
 * and site deletion (fewer rows), a data subject's erasure (rows keep their version but lose their payer
 * and visitor ids: the counts of rows naming someone fall). One aggregate over the site's credit rows.
 */
export class CreditAggregates {
  private readonly entries = new Map<string, { version: string; value: Promise<unknown> }>();

  constructor(
    private readonly events: EventStore,
    private readonly maxEntries = 200,
  ) {}

  /** The site's credits version (read after they were brought up to date). */
  async version(siteId: string): Promise<string> {
    const [r] = await this.events.query<Record<string, unknown>>(
      `SELECT count(*) AS n, max(version) AS v, sum(version % 1000003) AS s,
         sum(CASE WHEN payer <> '' THEN 1 ELSE 0 END) AS p, sum(CASE WHEN visitor_id <> '' THEN 1 ELSE 0 END) AS t
       FROM revenue_credits WHERE site_id = ?`,
      [siteId],
    );
    return ['n', 'v', 's', 'p', 't'].map((k) => String(r?.[k] ?? 0)).join('|');
  }

  /** The aggregate `key` of the site's credits at `version`: kept, or computed (once, however many ask at a time). */
  kept<T>(siteId: string, version: string, key: string, compute: () => Promise<T>): Promise<T> {
    const id = `${siteId}\u0000${key}`;
    const hit = this.entries.get(id);
    if (hit && hit.version === version) return hit.value as Promise<T>;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { version, value });
    value.catch(() => {
      if (this.entries.get(id)?.value === value) this.entries.delete(id);
    });
    return value;
  }
}
