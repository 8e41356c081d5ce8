import { api } from './client';
import type { AlertDelivery, SystemAlert, SystemAlertInput, SystemStatus } from '@tidemark/core';

const base = '/api/admin/system';

export const systemApi = {
  status: (signal?: AbortSignal) => api.get<SystemStatus>(base, undefined, { signal }),
  alerts: async (signal?: AbortSignal) => (await api.get<{ alerts: SystemAlert[] }>(`${base}/alerts`, undefined, { signal })).alerts,
  createAlert: (input: SystemAlertInput) => api.post<SystemAlert>(`${base}/alerts`, input),
  removeAlert: (id: string) => api.del<unknown>(`${base}/alerts/${encodeURIComponent(id)}`),
  testAlert: (id: string) => api.post<{ deliveries: AlertDelivery[] }>(`${base}/alerts/${encodeURIComponent(id)}/test`, {}),
};
