import { VAULT_TABLES, type DerivedTables, type EventStore, type LifecycleStore } from '../store';
import { VaultLifecycle } from './lifecycle';
import { VaultLoader, type VaultLoadOptions, type VaultLoadReport } from './loader';
import { repeat } from '../schedule';

export type VaultOptions = VaultLoadOptions;

export interface VaultScheduleOptions {
  /** Sites to load on each run (the metadata store's sites). */
  sites: () => Promise<string[]>;
  everyMs?: number;
  firstRunMs?: number;
  /** With several jobs processes only the leader loads. */
  isLeader?: () => boolean;
  onError?: (err: unknown) => void;
}

/**
 * The Data Vault 2.0 layer over a store's events (docs/vault.md): loads (incremental, idempotent),
 * rebuilds, and the lifecycle duties for its tables. Works on any store through `openDerivedTables`.
 */
export class Vault {
  readonly loader: VaultLoader;
  /** Retention, site purge and data-subject duties of the vault's tables (a lifecycle/ target). */
  readonly lifecycle: LifecycleStore;
  private running: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: DerivedTables,
    opts: VaultOptions,
  ) {
    this.loader = new VaultLoader(db, opts);
    this.lifecycle = new VaultLifecycle(db, this.loader);
  }

  static async open(store: EventStore, opts: VaultOptions = {}): Promise<Vault> {
    return new Vault(await store.openDerivedTables(), opts);
  }

  load(siteId: string): Promise<VaultLoadReport> {
    return this.serial(() => this.loader.load(siteId));
  }

  /** Deletes the site's vault rows and load state, then loads everything again (keys come out the same). */
  rebuild(siteId: string): Promise<VaultLoadReport> {
    return this.serial(async () => {
      await this.lifecycle.purgeSite(siteId);
      return this.loader.load(siteId);
    });
  }

  /** Rows of the site per vault table (current satellite rows and history alike). */
  async counts(siteId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const final = this.db.dialect === 'clickhouse' ? ' FINAL' : '';
    for (const t of Object.keys(VAULT_TABLES)) {
      const [row] = await this.db.all<{ n: number }>(`SELECT count(*) AS n FROM ${t}${final} WHERE site_id = ?`, [siteId]);
      out[t] = Number(row?.n ?? 0);
    }
    return out;
  }

  /** Loads every site after `firstRunMs` and then every `everyMs` (default 5 min); returns a stop function. */
  schedule(opts: VaultScheduleOptions): () => void {
    const tick = () => {
      if (opts.isLeader && !opts.isLeader()) return;
      void this.serial(async () => {
        for (const site of await opts.sites()) await this.loader.load(site);
      }).catch((err) => (opts.onError ?? console.error)(err));
    };
    return repeat(tick, { firstMs: opts.firstRunMs ?? 60_000, everyMs: opts.everyMs ?? 5 * 60_000 });
  }

  /** Waits for the run in progress, then closes the vault's connection (before the store closes). */
  async close(): Promise<void> {
    await this.running.catch(() => undefined);
    await this.db.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.running.then(fn, fn);
    this.running = run.catch(() => undefined);
    return run;
  }
}
