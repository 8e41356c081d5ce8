import { api } from './client';
import type { Alert, AlertEvent, AlertInput } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/alerts`;
const one = (siteId: string, id: string) => `${base(siteId)}/${encodeURIComponent(id)}`;

export const alertsApi = {
  list: async (siteId: string, signal?: AbortSignal) => (await api.get<{ alerts: Alert[] }>(base(siteId), undefined, { signal })).alerts,
  create: (siteId: string, input: AlertInput) => api.post<Alert>(base(siteId), input),
  setActive: (siteId: string, id: string, is_active: boolean) => api.patch<Alert>(one(siteId, id), { is_active }),
  remove: (siteId: string, id: string) => api.del<unknown>(one(siteId, id)),
  history: async (siteId: string, id: string, signal?: AbortSignal) =>
    (await api.get<{ events: AlertEvent[] }>(`${one(siteId, id)}/history`, undefined, { signal })).events,
  test: (siteId: string, id: string) => api.post<AlertEvent>(`${one(siteId, id)}/test`, {}),
};
