/** The dashboard's opening view, as one stats request: KPIs with comparison, a daily timeseries, eight breakdowns. */
export const OVERVIEW_METRICS = ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit'] as const;
export const OVERVIEW_DIMENSIONS = ['channel', 'source', 'page', 'entry_page', 'country', 'browser', 'os', 'device'] as const;

export interface Period {
  label: string;
  /** Parameters of GET /api/sites/{id}/stats. */
  params: Record<string, string>;
}

export const PERIODS: Period[] = [
  { label: 'last 30 days (dashboard default)', params: { period: 'last_30_days' } },
  { label: 'whole 90 days', params: { period: 'custom', start_date: '2026-03-03', end_date: '2026-05-31' } },
];

export function overviewParams(p: Period): Record<string, string> {
  return {
    ...p.params,
    metrics: OVERVIEW_METRICS.join(','),
    dimensions: OVERVIEW_DIMENSIONS.join(','),
    interval: 'day',
    compare: 'true',
    limit: '10',
  };
}

/** The numbers both engines must agree on (KPIs of the period; top rows of each breakdown by visitors). */
export interface OverviewDigest {
  kpis: Record<string, number>;
  previousVisitors: number;
  days: number;
  top: Record<string, Array<[string, number]>>;
}
