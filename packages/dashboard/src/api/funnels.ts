import { api } from './client';
import type { Funnel, FunnelInput, FunnelPatch, FunnelStats } from '@tidemark/core';
import { periodParams } from './stats';
import type { ViewState } from '../lib/view-state';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/funnels`;

export const funnelsApi = {
  list: async (siteId: string) => (await api.get<{ funnels: Funnel[] }>(base(siteId))).funnels,
  create: (siteId: string, input: FunnelInput) => api.post<Funnel>(base(siteId), input),
  update: (siteId: string, id: string, patch: FunnelPatch) => api.patch<Funnel>(`${base(siteId)}/${encodeURIComponent(id)}`, patch),
  remove: (siteId: string, id: string) => api.del<unknown>(`${base(siteId)}/${encodeURIComponent(id)}`),
  stats: (siteId: string, id: string, view: ViewState, breakdown: string | null, signal?: AbortSignal) =>
    api.get<FunnelStats>(
      `${base(siteId)}/${encodeURIComponent(id)}/stats`,
      { ...periodParams(view), breakdown: breakdown ?? undefined },
      { signal },
    ),
};
