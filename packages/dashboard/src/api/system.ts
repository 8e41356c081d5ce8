import { api } from './client';
import type { AdminOrg, AdminOrgList, AdminOrgPatch, AlertDelivery, SystemAlert, SystemAlertInput, SystemStatus } from '@tidemark/core';

const base = '/api/admin/system';

export const systemApi = {
  status: (signal?: AbortSignal) => api.get<SystemStatus>(base, undefined, { signal }),
  alerts: async (signal?: AbortSignal) => (await api.get<{ alerts: SystemAlert[] }>(`${base}/alerts`, undefined, { signal })).alerts,
  createAlert: (input: SystemAlertInput) => api.post<SystemAlert>(`${base}/alerts`, input),
  removeAlert: (id: string) => api.del<unknown>(`${base}/alerts/${encodeURIComponent(id)}`),
  testAlert: (id: string) => api.post<{ deliveries: AlertDelivery[] }>(`${base}/alerts/${encodeURIComponent(id)}/test`, {}),
};

/** Organizations for the instance's administrators: the reseller flag and limits (docs/resellers.md). */
export const adminOrgsApi = {
  list: (q: string, signal?: AbortSignal) => api.get<AdminOrgList>('/api/admin/orgs', q ? { q } : undefined, { signal }),
  update: (orgId: string, patch: AdminOrgPatch) => api.patch<AdminOrg>(`/api/admin/orgs/${encodeURIComponent(orgId)}`, patch),
};
