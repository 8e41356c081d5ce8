import type { EventStore, LifecycleStore, PurgeCounts, SubjectRef } from '../store';
import type { MetaStore, SiteRecord } from '../meta';
import { repeat } from '../schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface LifecycleOptions {
  now?: () => number;
  /**
   * A deleted site's purge completes with a pass that removes nothing and runs at least this long after
   * the deletion: writes in flight when the site was deleted (the group-commit writer, the Redis stream,
   * another process's cached copy of the site) land within it and are purged by a later pass. Default 15 min.
   */
  settleMs?: number;
  /**
   * Completed purges younger than this are still swept by every run: a write held up longer than the
   * settling time (a Redis stream backlog behind stopped workers) is deleted when it lands. Default 7 days.
   */
  sweepMs?: number;
  log?: (message: string, err?: unknown) => void;
}

export interface RetentionReport {
  site_id: string;
  name: string;
  retention_days: number;
  /** Data before this instant (a UTC midnight) was deleted. */
  cutoff: number;
  removed: PurgeCounts;
  /** Set when this site's purge failed (the run goes on with the other sites; the next run retries). */
  error?: string;
}

export interface PurgeReport {
  site_id: string;
  removed: PurgeCounts;
  completed: boolean;
  error?: string;
}

/** The stores the lifecycle acts on: every store holding site data answers LifecycleStore (DESIGN §8). */
export interface LifecycleTargets {
  /** The event store, with its side tables (transactions, revenue facts) whose subject rows it exports. */
  events: LifecycleStore & Partial<Pick<EventStore, 'exportSubjectSideRows'>>;
  /** Stores derived from the events (the vault); each purge runs on them after the events'. */
  derived?: LifecycleStore[];
  meta: Pick<MetaStore, 'sites' | 'sitePurges'>;
}

function merge(into: PurgeCounts, more: PurgeCounts): PurgeCounts {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}

export const total = (c: PurgeCounts) => Object.values(c).reduce((a, b) => a + b, 0);

/**
 * The data lifecycle of every site: retention (`retention_days`, 0 keeps data forever), deletion of a
 * site's data after the site is deleted (a pending-purge record in the metadata store, processed until a
 * settled pass finds nothing), and one data subject's export and erasure. Runs are serialised.
 */
export class Lifecycle {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly settleMs: number;
  private readonly sweepMs: number;
  private readonly log: (message: string, err?: unknown) => void;

  constructor(
    private readonly targets: LifecycleTargets,
    opts: LifecycleOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.settleMs = opts.settleMs ?? 15 * 60_000;
    this.sweepMs = opts.sweepMs ?? 7 * DAY;
    this.log = opts.log ?? ((message, err) => console.error(message, err ?? ''));
  }

  /**
   * Retention deletes whole UTC days: everything before the UTC midnight `days` days before today's. So
   * nothing younger than `days` days goes, anything goes within a day of passing it, and a site is
   * purged at most once a day (which bounds the embedded rollup's rebuild, store/duckdb/lifecycle.ts).
   */
  static retentionCutoff(days: number, now: number): number {
    return Math.floor(now / DAY) * DAY - days * DAY;
  }

  /** Applies every site's retention once; one report per site with a retention. */
  runRetention(): Promise<RetentionReport[]> {
    return this.serial(async () => {
      const reports: RetentionReport[] = [];
      for (const site of await this.targets.meta.sites.listAll()) {
        if (!(site.retention_days > 0)) continue;
        const cutoff = Lifecycle.retentionCutoff(site.retention_days, this.now());
        const report: RetentionReport = { site_id: site.id, name: site.name, retention_days: site.retention_days, cutoff, removed: {} };
        try {
          report.removed = await this.targets.events.purgeSiteBefore(site.id, cutoff);
          for (const d of this.targets.derived ?? []) merge(report.removed, await d.purgeSiteBefore(site.id, cutoff));
        } catch (err) {
          report.error = this.failed(`retention of site ${site.id}`, err);
        }
        reports.push(report);
      }
      return reports;
    });
  }

  /**
   * Deletes the site and records its purge in one metadata transaction, then starts the purge in the
   * background (the caller answers at once; the job and the next start finish what this does not).
   */
  async deleteSite(site: Pick<SiteRecord, 'id'>): Promise<boolean> {
    const deleted = await this.targets.meta.sites.delete(site.id, this.now());
    if (deleted)
      void this.processPurges([site.id]).catch((err) =>
        this.log(`purging deleted site ${site.id} failed; retried by the lifecycle job`, err),
      );
    return deleted;
  }

  /** One pass over the pending purges (or only `siteIds` of them), then a sweep of the recently completed ones. */
  processPurges(siteIds?: string[]): Promise<PurgeReport[]> {
    return this.serial(async () => {
      const purges = this.targets.meta.sitePurges;
      const reports: PurgeReport[] = [];
      for (const p of await purges.pending()) {
        if (siteIds && !siteIds.includes(p.site_id)) continue;
        const started = this.now();
        let removed: PurgeCounts;
        try {
          removed = await this.purgeSite(p.site_id);
        } catch (err) {
          reports.push({
            site_id: p.site_id,
            removed: {},
            completed: false,
            error: this.failed(`purge of deleted site ${p.site_id}`, err),
          });
          continue;
        }
        const completed = total(removed) === 0 && started - p.requested_at >= this.settleMs;
        await purges.recordPass(p.site_id, started, completed);
        reports.push({ site_id: p.site_id, removed, completed });
      }
      if (siteIds) return reports;
      for (const p of await purges.completedSince(this.now() - this.sweepMs)) {
        if (reports.some((r) => r.site_id === p.site_id)) continue;
        let removed: PurgeCounts;
        try {
          removed = await this.purgeSite(p.site_id);
        } catch (err) {
          reports.push({ site_id: p.site_id, removed: {}, completed: true, error: this.failed(`sweep of deleted site ${p.site_id}`, err) });
          continue;
        }
        if (total(removed) === 0) continue;
        this.log(`deleted site ${p.site_id}: data written after its purge completed was removed`, removed);
        reports.push({ site_id: p.site_id, removed, completed: true });
      }
      return reports;
    });
  }

  /** Pending purges first (a deleted site's data must go), then retention. */
  async runOnce(): Promise<{ purges: PurgeReport[]; retention: RetentionReport[] }> {
    const purges = await this.processPurges();
    const retention = await this.runRetention();
    return { purges, retention };
  }

  /** The subject's events on the site (DESIGN §8); the caller checks access to the site. */
  exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    return this.targets.events.exportSubject(siteId, subject);
  }

  /** The subject's rows in the side tables (transactions, revenue facts), by table; the caller checks access. */
  exportSubjectSideRows(siteId: string, subject: SubjectRef): Promise<Record<string, Array<Record<string, unknown>>>> {
    return this.targets.events.exportSubjectSideRows?.(siteId, subject) ?? Promise.resolve({});
  }

  /** What the derived stores (the vault) hold about the subject, per store, e.g. `vault_table`-tagged rows. */
  async exportSubjectDerived(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for (const d of this.targets.derived ?? []) out.push(...(await d.exportSubject(siteId, subject)));
    return out;
  }

  eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    return this.serial(async () => {
      // The derived stores first: they resolve a user id's rows through what is still there.
      const removed: PurgeCounts = {};
      for (const d of this.targets.derived ?? []) merge(removed, await d.eraseSubject(siteId, subject));
      return merge(await this.targets.events.eraseSubject(siteId, subject), removed);
    });
  }

  private async purgeSite(siteId: string): Promise<PurgeCounts> {
    const removed = await this.targets.events.purgeSite(siteId);
    for (const d of this.targets.derived ?? []) merge(removed, await d.purgeSite(siteId));
    return removed;
  }

  /**
   * Runs `runOnce` after `firstRunMs` and then every `everyMs` (unref'd timers). With several jobs
   * processes only the one for which `isLeader()` holds runs. Returns a stop function.
   */
  schedule(opts: { firstRunMs?: number; everyMs?: number; isLeader?: () => boolean } = {}): () => void {
    const tick = () => {
      if (opts.isLeader && !opts.isLeader()) return;
      this.runOnce().catch((err) => this.log('data lifecycle run failed', err));
    };
    return repeat(tick, { firstMs: opts.firstRunMs ?? 30_000, everyMs: opts.everyMs ?? HOUR });
  }

  /** Resolves when the runs started so far have finished (before the stores close; tests). */
  async idle(): Promise<void> {
    for (let seen = this.chain; ; seen = this.chain) {
      await seen.catch(() => undefined);
      if (seen === this.chain) return;
    }
  }

  /** Logs a failed purge (retried by the next run) and returns its message for the report. */
  private failed(what: string, err: unknown): string {
    this.log(`${what} failed; retried by the next run`, err);
    return err instanceof Error ? err.message : String(err);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
