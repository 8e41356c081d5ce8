import { api } from './client';
import type { AttributionModelName, RevenueReportBody } from '@tidemark/core';

export interface RevenueQuery {
  period: string;
  from?: string;
  to?: string;
  model: AttributionModelName;
  compare: boolean;
}

export const revenueApi = {
  report: (siteId: string, q: RevenueQuery, signal?: AbortSignal) =>
    api.get<RevenueReportBody>(
      `/api/sites/${encodeURIComponent(siteId)}/revenue`,
      {
        period: q.period,
        start_date: q.period === 'custom' ? q.from : undefined,
        end_date: q.period === 'custom' ? q.to : undefined,
        attribution_model: q.model,
        compare_models: q.compare ? 'true' : undefined,
      },
      { signal },
    ),
  saveSecret: (siteId: string, secret: string | null) =>
    api.patch<{ stripe_webhook_configured: boolean }>(`/api/sites/${encodeURIComponent(siteId)}`, { stripe_webhook_secret: secret }),
  sendTestEvent: (siteId: string) =>
    api.post<{ arrived: boolean; event_id: string; error?: string }>(`/api/sites/${encodeURIComponent(siteId)}/revenue/test-event`, {}),
};
