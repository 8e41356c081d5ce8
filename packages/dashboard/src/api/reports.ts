import { api } from './client';
import type { Report, ReportInput } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/reports`;

export const reportsApi = {
  list: async (siteId: string, signal?: AbortSignal) => (await api.get<{ reports: Report[] }>(base(siteId), undefined, { signal })).reports,
  create: (siteId: string, input: ReportInput) => api.post<Report>(base(siteId), input),
  remove: (siteId: string, id: string) => api.del<unknown>(`${base(siteId)}/${encodeURIComponent(id)}`),
  sendNow: (siteId: string, id: string) => api.post<{ sent: number }>(`${base(siteId)}/${encodeURIComponent(id)}/send`, {}),
};
