import { api } from './client';
import type { ApiKey, CreatedApiKey, KeyPermission } from '@tidemark/core';

export const keysApi = {
  list: async () => {
    const body = await api.get<unknown>('/api/keys');
    return (Array.isArray(body) ? body : ((body as { keys?: ApiKey[] }).keys ?? [])) as ApiKey[];
  },
  create: (input: { name: string; permissions: KeyPermission[]; site_id?: string | null }) => api.post<CreatedApiKey>('/api/keys', input),
  revoke: (id: string) => api.del<unknown>(`/api/keys/${encodeURIComponent(id)}`),
};
