import { api } from './client';
import type { Audience, AudienceInput, AudienceMemberList, AudienceRefresh, AudienceSizes } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/audiences`;
const one = (siteId: string, id: string) => `${base(siteId)}/${encodeURIComponent(id)}`;

export const audiencesApi = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (await api.get<{ audiences: Audience[] }>(base(siteId), undefined, { signal })).audiences,
  create: (siteId: string, input: AudienceInput) => api.post<Audience>(base(siteId), input),
  update: (siteId: string, id: string, patch: Partial<AudienceInput>) => api.patch<Audience>(one(siteId, id), patch),
  remove: (siteId: string, id: string) => api.del<unknown>(one(siteId, id)),
  refresh: (siteId: string, id: string) => api.post<AudienceRefresh>(`${one(siteId, id)}/refresh`),
  members: (siteId: string, id: string, page: number, size: number, signal?: AbortSignal) =>
    api.get<AudienceMemberList>(`${one(siteId, id)}/members`, { limit: String(size), offset: String(page * size) }, { signal }),
  sizes: (siteId: string, id: string, signal?: AbortSignal) => api.get<AudienceSizes>(`${one(siteId, id)}/sizes`, undefined, { signal }),
  csvUrl: (siteId: string, id: string) => `${one(siteId, id)}/members.csv`,
};
