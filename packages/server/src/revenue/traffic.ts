import type { Query } from '@tidemark/core';
import type { DateRange, StatsService } from '../stats';
import type { Traffic } from './report';

/**
 * The revenue page's visitors and sessions from the stats engine, so they come from its rollups where
 * they serve (DuckDB's session fragments and marks): the period's totals, and visitors per entry source
 * and medium for the by-source rows. Imported data is left out (payments are native only).
 */
export async function statsTraffic(stats: StatsService, site: { id: string; timezone: string }, range: DateRange): Promise<Traffic> {
  const base = {
    site_id: site.id,
    date_range: { start: range.startDate, end: range.endDate },
    timezone: site.timezone,
    metrics: ['visitors', 'sessions'],
    offset: 0,
    imported: false,
  };
  const [totals, bySource] = await Promise.all([
    stats.query({ ...base, dimensions: [], limit: 1 } as Query, site),
    stats.query({ ...base, metrics: ['visitors'], dimensions: ['source', 'medium'], limit: 1000 } as Query, site),
  ]);
  const t = totals.rows[0] ?? {};
  return {
    visitors: Number(t.visitors ?? 0),
    sessions: Number(t.sessions ?? 0),
    bySource: new Map(bySource.rows.map((r) => [`${r.source ?? ''}\u0000${r.medium ?? ''}`, Number(r.visitors)])),
  };
}
