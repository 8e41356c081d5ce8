import type { Query } from '@tidemark/core';
import { bindInt, bindString, dialectFor, ident, render, sql, type DateRange, type StatsService } from '../stats';
import type { EventStore } from '../store';
import type { Traffic } from './report';

type Site = { id: string; timezone: string };

/**
 * The revenue page's visitors and sessions from the stats engine, so they come from its rollups where
 * they serve (DuckDB's session fragments and marks): the period's totals, and visitors per entry source
 * and medium for the by-source rows. Imported data is left out (payments are native only).
 */
export async function statsTraffic(stats: StatsService, site: Site, range: DateRange): Promise<Traffic> {
  const [totals, bySource] = await Promise.all([statsTotals(stats, site, range), statsBySource(stats, site, range)]);
  return { ...totals, bySource };
}

const baseQuery = (site: Site, range: DateRange) => ({
  site_id: site.id,
  date_range: { start: range.startDate, end: range.endDate },
  timezone: site.timezone,
  metrics: ['visitors', 'sessions'],
  offset: 0,
  imported: false,
});

async function statsTotals(stats: StatsService, site: Site, range: DateRange): Promise<Omit<Traffic, 'bySource'>> {
  const totals = await stats.query({ ...baseQuery(site, range), dimensions: [], limit: 1 } as Query, site);
  const t = totals.rows[0] ?? {};
  return { visitors: Number(t.visitors ?? 0), sessions: Number(t.sessions ?? 0) };
}

async function statsBySource(stats: StatsService, site: Site, range: DateRange): Promise<Map<string, number>> {
  const q = { ...baseQuery(site, range), metrics: ['visitors'], dimensions: ['source', 'medium'], limit: 1000 } as Query;
  const bySource = await stats.query(q, site);
  return new Map(bySource.rows.map((r) => [`${r.source ?? ''}\u0000${r.medium ?? ''}`, Number(r.visitors)]));
}

/**
 * statsTraffic with the visitors per source and medium kept while the site's events are unchanged. That
 * grouping has two dimensions, which the marks rollup does not serve (it reads session fragments: most of
 * the revenue page's time), while the totals are cheap and always asked.
 *
 * Events are only appended (stamped `received_at` on receipt) or deleted. An entry remembers the store's
 * event count and latest receipt when it was computed; it still holds when the count now equals that count
 * plus the events received since, none of them the site's (so nothing was deleted anywhere and nothing
 * added here). Both checks are small: the count and the latest receipt come from the engine's statistics,
 * the events since from the newest blocks. Anything else recomputes.
 */
export class TrafficCache {
  private readonly entries = new Map<string, { n: number; r: number; bySource: Promise<Map<string, number>> }>();

  constructor(
    private readonly stats: StatsService,
    private readonly events: EventStore,
    private readonly maxEntries = 200,
  ) {}

  async traffic(site: Site, range: DateRange): Promise<Traffic> {
    const [totals, bySource] = await Promise.all([statsTotals(this.stats, site, range), this.bySource(site, range)]);
    return { ...totals, bySource };
  }

  private async bySource(site: Site, range: DateRange): Promise<Map<string, number>> {
    // Read before the grouping starts: events arriving while it runs make the next check miss.
    const now = await this.stamp();
    const key = `${site.id}\u0000${site.timezone}\u0000${range.startMs}\u0000${range.endMs}`;
    const hit = this.entries.get(key);
    if (hit && (await this.unchanged(site.id, hit, now))) {
      hit.n = now.n;
      hit.r = now.r;
      return hit.bySource;
    }
    const bySource = statsBySource(this.stats, site, range);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { ...now, bySource });
    bySource.catch(() => this.entries.delete(key));
    return bySource;
  }

  private async unchanged(siteId: string, was: { n: number; r: number }, now: { n: number; r: number }): Promise<boolean> {
    if (now.n === was.n && now.r === was.r) return true;
    const d = dialectFor(this.events.dialect);
    const since = sql`${ident('received_at')} > ${d.msToTimestamp(bindInt(was.r))}`;
    const q = sql`SELECT count(*) AS g, ${d.countIf(sql`site_id = ${bindString(siteId)}`)} AS s FROM events WHERE ${since}`;
    const { sql: text, params } = render(q, d);
    const [row] = await this.events.query<{ g: number; s: number }>(text, params);
    return Number(row?.s ?? 0) === 0 && now.n === was.n + Number(row?.g ?? 0);
  }

  private async stamp(): Promise<{ n: number; r: number }> {
    const d = dialectFor(this.events.dialect);
    const { sql: text, params } = render(sql`SELECT count(*) AS n, ${d.timestampToMs(sql`max(received_at)`)} AS r FROM events`, d);
    const [row] = await this.events.query<{ n: number; r: number | null }>(text, params);
    return { n: Number(row?.n ?? 0), r: Number(row?.r ?? 0) };
  }
}
