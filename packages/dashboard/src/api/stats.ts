import { api, withQuery } from './client';
import type { DashboardStats, MetricValue, RealtimeSnapshot, ResultRow } from '@tidemark/core';
import { filterTree, type Interval, type ViewState } from '../lib/view-state';

/** Query parameters shared by every stats request of one view. */
export function periodParams(s: ViewState): Record<string, string | undefined> {
  const filters = filterTree(s.filters);
  return {
    period: s.period,
    start_date: s.period === 'custom' ? s.from : undefined,
    end_date: s.period === 'custom' ? s.to : undefined,
    filters: filters ? JSON.stringify(filters) : undefined,
    imported: s.imported ? undefined : 'false',
  };
}

export interface BreakdownRow {
  label: string;
  /** Everything the API returned for the row (metrics by name). */
  values: ResultRow;
}

/** The row's label: the dimension's own column when present, else the first text column. */
function rowLabel(row: ResultRow, dimension: string): string {
  const direct = row[dimension] ?? row.name ?? row.value ?? row.path;
  if (direct !== undefined && direct !== null) return String(direct);
  for (const v of Object.values(row)) if (typeof v === 'string') return v;
  return '';
}

/** A metric as shown: no value while loading or when absent. */
export interface ShownMetric {
  value: number | null;
  change: number | null;
}

export function metricOf(m: MetricValue | number | null | undefined): ShownMetric {
  if (m === null || m === undefined) return { value: null, change: null };
  if (typeof m === 'number') return { value: m, change: null };
  return m;
}

/** A site's stats endpoint; a path (a shared link's `/api/share/{token}/stats`) is taken as it is. */
export const statsEndpoint = (siteOrPath: string) =>
  siteOrPath.startsWith('/') ? siteOrPath : `/api/sites/${encodeURIComponent(siteOrPath)}/stats`;

export type ExportFormat = 'csv' | 'json' | 'xml';
export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'json', 'xml'];

export const statsApi = {
  /** The stats endpoint as a download (the server names the file); `base` lets shared views use their own endpoint. */
  exportUrl: (base: string, s: ViewState, params: Record<string, string | undefined>, format: ExportFormat) =>
    withQuery(base, { ...periodParams(s), compare: 'false', ...params, format }),

  overview: (siteId: string, s: ViewState, metrics: string[], interval: Interval, signal?: AbortSignal) =>
    api.get<DashboardStats>(
      statsEndpoint(siteId),
      { ...periodParams(s), metrics: metrics.join(','), interval, compare: s.compare ? 'true' : 'false' },
      { signal },
    ),

  breakdown: async (
    siteId: string,
    s: ViewState,
    dimension: string,
    metrics: string[],
    limit = 10,
    signal?: AbortSignal,
    /** More stats parameters (e.g. attribution_model for revenue metrics). */
    extra: Record<string, string> = {},
  ): Promise<BreakdownRow[]> => {
    const res = await api.get<DashboardStats>(
      statsEndpoint(siteId),
      { ...periodParams(s), metrics: metrics.join(','), dimensions: dimension, limit, compare: 'false', ...extra },
      { signal },
    );
    const dims = res.dimensions ?? {};
    const rows = dims[dimension] ?? Object.values(dims)[0] ?? [];
    return rows.map((r) => ({ label: rowLabel(r, dimension), values: r }));
  },

  realtime: (siteId: string, signal?: AbortSignal) =>
    api.get<RealtimeSnapshot>(`/api/sites/${encodeURIComponent(siteId)}/realtime`, undefined, { signal }),

  realtimeStreamUrl: (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/realtime/stream`,
};
