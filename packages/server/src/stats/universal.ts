import { parseQuery, type FilterNode } from '@tidemark/core';
import type { StatsService, StatsSite } from './service';

/** Universal Site Tracking §4 `/api/tracking/analytics` numbers, over local dates [from, to] in the site's timezone. */
export interface UniversalAnalytics {
  totalSessions: number;
  uniqueVisitors: number;
  totalEvents: number;
  itemInteractions: number;
  completedTransactions: number;
  contactInteractions: number;
  avgSessionDurationMinutes: number;
  totalConversionValue: number;
  dateRange: { from: string; to: string };
}

const PAGE = 1000;

/**
 * The contract's analytics from stats queries (the definitions of the stats engine, stats/README.md):
 * sessions, visitors, events and mean visit duration of the site; item_interaction and
 * contact_interaction events; sessions with a `transaction_step` whose `evt_action` is `complete`; and
 * the sum of the events' `evt_value` property, from a breakdown by that value times its events.
 */
export async function universalAnalytics(stats: StatsService, site: StatsSite, from: string, to: string): Promise<UniversalAnalytics> {
  const base = { site_id: site.id, date_range: { start: from, end: to } };
  const run = (metrics: string[], filters?: FilterNode[], extra: Record<string, unknown> = {}) =>
    stats.query(parseQuery({ ...base, metrics, ...(filters ? { filters } : {}), ...extra }), site);
  const [totals, byType, completed] = await Promise.all([
    run(['sessions', 'visitors', 'events', 'avg_duration']),
    run(['events'], [['is', 'event_name', ['item_interaction', 'contact_interaction']]], { dimensions: ['event_name'] }),
    run(['sessions'], [['and', ['is', 'event_name', ['transaction_step']], ['is', 'props:evt_action', ['complete']]]]),
  ]);
  let value = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await run(['events'], undefined, {
      dimensions: ['props:evt_value'],
      limit: PAGE,
      offset,
    });
    for (const row of page.rows) {
      const v = Number(row['props:evt_value']);
      if (row['props:evt_value'] !== '' && Number.isFinite(v)) value += v * Number(row.events);
    }
    if (page.rows.length < PAGE) break;
  }
  const t = totals.rows[0] ?? {};
  const typed = (name: string) => Number(byType.rows.find((r) => r.event_name === name)?.events ?? 0);
  return {
    totalSessions: Number(t.sessions ?? 0),
    uniqueVisitors: Number(t.visitors ?? 0),
    totalEvents: Number(t.events ?? 0),
    itemInteractions: typed('item_interaction'),
    completedTransactions: Number(completed.rows[0]?.sessions ?? 0),
    contactInteractions: typed('contact_interaction'),
    avgSessionDurationMinutes: Math.round((Number(t.avg_duration ?? 0) / 60) * 100) / 100,
    totalConversionValue: value,
    dateRange: { from, to },
  };
}
