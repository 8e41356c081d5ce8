import { api } from './client';
import type { FrustrationReport, HeatmapReport } from '@tidemark/core';

export interface PeriodQuery {
  period: string;
  from?: string;
  to?: string;
}

const period = (q: PeriodQuery) => ({
  period: q.period,
  start_date: q.period === 'custom' ? q.from : undefined,
  end_date: q.period === 'custom' ? q.to : undefined,
});

export const behaviourApi = {
  heatmap: (siteId: string, q: PeriodQuery & { page: string; viewport: string; type: string }, signal?: AbortSignal) =>
    api.get<HeatmapReport>(
      `/api/sites/${encodeURIComponent(siteId)}/heatmaps`,
      { ...period(q), page_url: q.page, viewport: q.viewport, type: q.type },
      { signal },
    ),
  frustration: (siteId: string, q: PeriodQuery, signal?: AbortSignal) =>
    api.get<FrustrationReport>(`/api/sites/${encodeURIComponent(siteId)}/frustration`, { ...period(q), limit: '5' }, { signal }),
};
