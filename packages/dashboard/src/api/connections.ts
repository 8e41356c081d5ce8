import { api } from './client';
import type { ConnectionProvider, ConnectionTestResult, SiteConnection, SiteConnectionInput, SiteConnections } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/connections`;

export const connectionsApi = {
  list: (siteId: string, signal?: AbortSignal) => api.get<SiteConnections>(base(siteId), undefined, { signal }),
  save: (siteId: string, provider: ConnectionProvider, input: SiteConnectionInput) =>
    api.put<SiteConnection>(`${base(siteId)}/${provider}`, input),
  remove: (siteId: string, provider: ConnectionProvider) => api.del<void>(`${base(siteId)}/${provider}`),
  test: (siteId: string, provider: ConnectionProvider) => api.post<ConnectionTestResult>(`${base(siteId)}/${provider}/test`),
};
