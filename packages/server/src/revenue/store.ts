import { SIDE_TABLES, type EventStore, type SideRow } from '../store';
import { foldTransactions, parseFactRow, type StoredFact } from './fold';

const TXN_COLUMNS = SIDE_TABLES.transactions.columns.map((c) => c.name);
const TXN_INT = new Set(SIDE_TABLES.transactions.columns.filter((c) => c.kind === 'int').map((c) => c.name));

/** Bounds the closure of one payment's related facts (a subscription's renewals, refunds, aliases). */
const MAX_ROUNDS = 20;

/**
 * Facts and transactions of a site, in the event store's side tables (store/side-tables.ts). Facts are
 * written once per Stripe event id; after each write the payments they touch are folded again from all
 * their facts, so the transactions converge whatever order the events arrive in. Writes of one site are
 * serialised in this process.
 */
export class RevenueStore {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly events: EventStore) {}

  /** Stores facts and refolds every transaction they touch; resolves once both are durable. */
  record(siteId: string, facts: SideRow[]): Promise<number> {
    return this.serial(siteId, async () => {
      if (!facts.length) return 0;
      await this.events.upsertSideRows('revenue_facts', facts);
      const keys = new Set<string>();
      for (const f of facts)
        for (const k of [f.txn_key, f.alias_key, f.parent_key, f.subscription_id, f.email_hash && `email:${f.email_hash}`])
          if (k) keys.add(String(k));
      const related = await this.closure(siteId, keys);
      const rows = await this.changed(siteId, foldTransactions(siteId, related, Date.now()));
      await this.events.upsertSideRows('transactions', rows);
      return rows.length;
    });
  }

  /**
   * The folded rows that differ from the stored ones (besides their version): a fact that changes nothing
   * (a retried delivery, the same identify again) leaves the transaction, and so its credits, alone.
   */
  private async changed(siteId: string, rows: SideRow[]): Promise<SideRow[]> {
    if (!rows.length) return rows;
    const stored = new Map<string, SideRow>();
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      const found = await this.events.query<SideRow>(
        `SELECT ${TXN_COLUMNS.join(', ')} FROM transactions WHERE site_id = ? AND txn_key IN (${part.map(() => '?').join(', ')})`,
        [siteId, ...part.map((r) => r.txn_key)],
      );
      for (const r of found) stored.set(String(r.txn_key), r);
    }
    const same = (a: SideRow, b: SideRow | undefined) =>
      !!b && TXN_COLUMNS.every((c) => c === 'version' || String(a[c] ?? (TXN_INT.has(c) ? 0 : '')) === String(b[c] ?? ''));
    return rows.filter((r) => !same(r, stored.get(String(r.txn_key))));
  }

  /** The facts connected to `keys` through keys, aliases, parents and subscriptions. */
  async closure(siteId: string, keys: Set<string>): Promise<StoredFact[]> {
    const seen = new Map<string, StoredFact>();
    let frontier = [...keys];
    for (let round = 0; round < MAX_ROUNDS && frontier.length; round++) {
      const ph = frontier.map(() => '?').join(', ');
      // 'email:<hash>' names the facts with that e-mail: identified visitors and the payments to match them to.
      const hashes = frontier.filter((k) => k.startsWith('email:')).map((k) => k.slice(6));
      const byEmail = hashes.length ? ` OR email_hash IN (${hashes.map(() => '?').join(', ')})` : '';
      const rows = await this.events.query(
        `SELECT fact_id, kind, txn_key, alias_key, parent_key, subscription_id, created, visitor_id, session_id, email_hash, data
         FROM revenue_facts WHERE site_id = ? AND (txn_key IN (${ph}) OR alias_key IN (${ph}) OR parent_key IN (${ph}) OR subscription_id IN (${ph})${byEmail})`,
        [siteId, ...frontier, ...frontier, ...frontier, ...frontier, ...hashes],
      );
      const next: string[] = [];
      for (const r of rows) {
        const f = parseFactRow(r);
        if (seen.has(f.fact_id)) continue;
        seen.set(f.fact_id, f);
        for (const k of [f.txn_key, f.alias_key, f.parent_key, f.subscription_id, f.email_hash && `email:${f.email_hash}`])
          if (k && !keys.has(k)) {
            keys.add(k);
            next.push(k);
          }
      }
      frontier = next;
    }
    return [...seen.values()];
  }

  /** Every subscription fact of the site (MRR is computed from their history). */
  async subscriptionFacts(siteId: string): Promise<StoredFact[]> {
    const rows = await this.events.query(
      `SELECT fact_id, kind, txn_key, alias_key, parent_key, subscription_id, created, visitor_id, session_id, email_hash, data
       FROM revenue_facts WHERE site_id = ? AND kind = 'subscription'`,
      [siteId],
    );
    return rows.map(parseFactRow);
  }

  /** Runs `fn` after the site's other revenue writes (facts, transactions, credits), one at a time. */
  exclusive<T>(siteId: string, fn: () => Promise<T>): Promise<T> {
    return this.serial(siteId, fn);
  }

  private serial<T>(siteId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(siteId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(siteId, tail);
    void tail.then(() => {
      if (this.chains.get(siteId) === tail) this.chains.delete(siteId);
    });
    return run;
  }
}
