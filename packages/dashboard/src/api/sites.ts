import { api } from './client';
import type { DropinSnippets, Site } from '@tidemark/core';

export type SiteInput = Partial<Omit<Site, 'id' | 'org_id' | 'tracking_id' | 'created_at'>>;

function list(body: unknown): Site[] {
  if (Array.isArray(body)) return body as Site[];
  const b = body as { sites?: Site[] };
  return b.sites ?? [];
}

function one(body: unknown): Site {
  const b = body as { site?: Site };
  return b.site ?? (body as Site);
}

export const sitesApi = {
  list: async () => list(await api.get<unknown>('/api/sites')),
  get: async (id: string) => one(await api.get<unknown>(`/api/sites/${encodeURIComponent(id)}`)),
  create: async (input: SiteInput) => one(await api.post<unknown>('/api/sites', input)),
  update: async (id: string, input: SiteInput) => one(await api.patch<unknown>(`/api/sites/${encodeURIComponent(id)}`, input)),
  remove: (id: string) => api.del<unknown>(`/api/sites/${encodeURIComponent(id)}`),
  dropins: async (id: string) => (await api.get<{ dropins: DropinSnippets }>(`/api/sites/${encodeURIComponent(id)}/snippet`)).dropins,
  snippet: async (id: string) => (await api.get<{ snippet: string }>(`/api/sites/${encodeURIComponent(id)}/snippet`)).snippet,
};
