import { api } from './client';
import type { ErrorsReport, VitalsReport } from '@tidemark/core';
import type { PeriodQuery } from './behaviour';

const period = (q: PeriodQuery) => ({
  period: q.period,
  start_date: q.period === 'custom' ? q.from : undefined,
  end_date: q.period === 'custom' ? q.to : undefined,
});

export const behaviourReportsApi = {
  vitals: (siteId: string, q: PeriodQuery, signal?: AbortSignal) =>
    api.get<VitalsReport>(`/api/sites/${encodeURIComponent(siteId)}/vitals`, period(q), { signal }),
  errors: (siteId: string, q: PeriodQuery, signal?: AbortSignal) =>
    api.get<ErrorsReport>(`/api/sites/${encodeURIComponent(siteId)}/errors`, period(q), { signal }),
};
