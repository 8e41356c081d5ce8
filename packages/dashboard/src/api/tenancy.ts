import { api } from './client';
import type { ClientCreate, ClientUpdate, Me, ResellerClient, ResellerClientList, Usage } from '@tidemark/core';

const org = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}`;

/** Usage of an organization, a reseller's clients, and switching into a client and back (docs/resellers.md). */
export const tenancyApi = {
  usage: (orgId: string, signal?: AbortSignal) => api.get<Usage>(`${org(orgId)}/usage`, undefined, { signal }),
  clients: (orgId: string, signal?: AbortSignal) => api.get<ResellerClientList>(`${org(orgId)}/clients`, undefined, { signal }),
  createClient: (orgId: string, body: ClientCreate) => api.post<ResellerClient>(`${org(orgId)}/clients`, body),
  updateClient: (orgId: string, clientId: string, body: ClientUpdate) =>
    api.patch<ResellerClient>(`${org(orgId)}/clients/${encodeURIComponent(clientId)}`, body),
  switchInto: (orgId: string, clientId: string) => api.post<Me>(`${org(orgId)}/clients/${encodeURIComponent(clientId)}/switch`),
  returnToReseller: () => api.post<Me>('/api/auth/reseller-return'),
};
