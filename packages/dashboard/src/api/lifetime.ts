import { api } from './client';
import type { AtRiskList, LifetimeModel } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}`;

export const lifetimeApi = {
  model: (siteId: string, signal?: AbortSignal) => api.get<LifetimeModel>(`${base(siteId)}/models/churn`, undefined, { signal }),
  train: (siteId: string) => api.post<LifetimeModel>(`${base(siteId)}/models/churn/train`),
  atRisk: (siteId: string, page: number, size: number, signal?: AbortSignal) =>
    api.get<AtRiskList>(`${base(siteId)}/churn/at-risk`, { limit: String(size), offset: String(page * size) }, { signal }),
};
