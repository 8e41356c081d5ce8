import { api } from './client';
import type { OrgDomain } from '@tidemark/core';

const base = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}/domains`;

export const domainsApi = {
  list: async (orgId: string) => (await api.get<{ domains: OrgDomain[] }>(base(orgId))).domains,
  add: (orgId: string, host: string, kind: 'app' | 'tracking') => api.post<OrgDomain>(base(orgId), { host, kind }),
  verify: (orgId: string, id: string) => api.post<OrgDomain>(`${base(orgId)}/${encodeURIComponent(id)}/verify`),
  remove: (orgId: string, id: string) => api.del<unknown>(`${base(orgId)}/${encodeURIComponent(id)}`),
};
