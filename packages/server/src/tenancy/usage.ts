import type { Usage } from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { EventStore } from '../store';

/** The calendar month (UTC) of a time: its key (YYYY-MM) and its first millisecond. */
export function utcMonth(ms: number): { key: string; startMs: number } {
  const d = new Date(ms);
  return { key: d.toISOString().slice(0, 7), startMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) };
}

/** Events of some sites since a time: `ts` is a TIMESTAMP on DuckDB, Int64 milliseconds on ClickHouse (read through FINAL). */
const countSql = (dialect: EventStore['dialect'], sites: number) => {
  const list = Array.from({ length: sites }, () => '?').join(', ');
  return dialect === 'duckdb'
    ? `SELECT count(*) AS n FROM events WHERE site_id IN (${list}) AND ts >= epoch_ms(CAST(? AS BIGINT))`
    : `SELECT count() AS n FROM events WHERE site_id IN (${list}) AND ts >= ?`;
};

interface OrgLimits {
  soft: number | null;
  hard: number | null;
  at: number;
}

interface MonthCount {
  month: string;
  /** Events in the store at the last refresh. */
  stored: number;
  /** Events accepted here since that refresh began (not yet in `stored`). */
  since: number;
  at: number;
  refreshing: Promise<void> | null;
}

export interface UsageMeterOptions {
  /** How long an organization's stored count serves before it is read again (default 60 s). */
  refreshMs?: number;
  /** How long an organization's limits are cached (default 30 s; changes made here apply at once). */
  limitsMs?: number;
  now?: () => number;
}

/**
 * Events per organization this month, cheap enough to consult for every collect request: the count is
 * read from the event store (one count over the organization's sites) at most once per
 * `refreshMs` per organization, and what this process accepts meanwhile is added in memory. Every
 * process — the embedded server, each scale-out collector — reads the same store, so they agree
 * within one refresh; between refreshes a process knows only its own acceptances (docs/resellers.md).
 * Only organizations with a hard limit are counted at ingestion.
 */
export class UsageMeter {
  private readonly limits = new Map<string, OrgLimits>();
  private readonly counts = new Map<string, MonthCount>();
  private readonly refreshMs: number;
  private readonly limitsMs: number;
  private readonly now: () => number;

  constructor(
    private readonly meta: MetaStore,
    private readonly events: Pick<EventStore, 'dialect' | 'query'>,
    opts: UsageMeterOptions = {},
  ) {
    this.refreshMs = opts.refreshMs ?? 60_000;
    this.limitsMs = opts.limitsMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Events the organization may still store this month; null when it has no hard limit. */
  async remaining(orgId: string): Promise<number | null> {
    const limits = await this.limitsOf(orgId);
    if (limits.hard === null) return null;
    return Math.max(0, limits.hard - (await this.monthEvents(orgId)));
  }

  /** Counts events just stored for the organization (only when it is being metered). */
  record(orgId: string, events: number): void {
    const c = this.counts.get(orgId);
    if (c && events > 0 && c.month === utcMonth(this.now()).key) c.since += events;
  }

  /** Forgets cached limits (they were just changed here). */
  forgetLimits(orgId: string): void {
    this.limits.delete(orgId);
  }

  /** This month's events of the organization: the cached count, refreshed when older than `refreshMs`. */
  async monthEvents(orgId: string, fresh = false): Promise<number> {
    const month = utcMonth(this.now()).key;
    let c = this.counts.get(orgId);
    if (!c || c.month !== month) {
      c = { month, stored: 0, since: 0, at: 0, refreshing: null };
      this.counts.set(orgId, c);
      await this.refresh(orgId, c);
    } else if (fresh || (c.at === 0 && c.refreshing)) {
      // Asked afresh, or the first read is still under way.
      await this.refresh(orgId, c);
    } else if (this.now() - c.at > this.refreshMs && !c.refreshing) {
      // Stale: answer from memory now, read the store in the background.
      void this.refresh(orgId, c).catch(() => undefined);
    }
    return c.stored + c.since;
  }

  private refresh(orgId: string, c: MonthCount): Promise<void> {
    c.refreshing ??= (async () => {
      const started = c.since;
      try {
        const stored = await this.storedEvents(orgId);
        // What was accepted while the store was read may or may not be in `stored`: kept, counted once more at worst.
        c.stored = stored;
        c.since -= started;
        c.at = this.now();
      } finally {
        c.refreshing = null;
      }
    })();
    return c.refreshing;
  }

  /** Events stored this month over the organization's sites, from the event store. */
  async storedEvents(orgId: string): Promise<number> {
    const sites = (await this.meta.sites.listByOrg(orgId)).map((s) => s.id);
    if (!sites.length) return 0;
    const [row] = await this.events.query<{ n: number | string }>(countSql(this.events.dialect, sites.length), [
      ...sites,
      utcMonth(this.now()).startMs,
    ]);
    return Number(row?.n ?? 0);
  }

  private async limitsOf(orgId: string): Promise<OrgLimits> {
    const cached = this.limits.get(orgId);
    if (cached && this.now() - cached.at < this.limitsMs) return cached;
    const t = await this.meta.tenancy.get(orgId);
    const next = { soft: t?.events_soft_limit ?? null, hard: t?.events_hard_limit ?? null, at: this.now() };
    this.limits.set(orgId, next);
    return next;
  }

  /** The Usage page: this month's events (read afresh), sites and seats against the limits. */
  async usage(orgId: string): Promise<Usage> {
    this.forgetLimits(orgId);
    const t = await this.meta.tenancy.get(orgId);
    const parent = t?.parent_org_id ? await this.meta.tenancy.get(t.parent_org_id) : null;
    const [events, sites, seats] = await Promise.all([
      this.monthEvents(orgId, true),
      this.meta.tenancy.countSites(orgId),
      this.meta.tenancy.countSeats(orgId),
    ]);
    const soft = t?.events_soft_limit ?? null;
    const hard = t?.events_hard_limit ?? null;
    return {
      org_id: orgId,
      month: utcMonth(this.now()).key,
      events,
      sites,
      seats,
      events_soft_limit: soft,
      events_hard_limit: hard,
      max_sites: parent?.is_reseller ? parent.max_sites_per_sub_org : null,
      status: hard !== null && events >= hard ? 'over' : soft !== null && events > soft ? 'warning' : 'ok',
    };
  }
}
