import { api } from './client';
import type { ScoringRules, SiteScoring } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/scoring/rules`;

export const scoringApi = {
  get: (siteId: string, signal?: AbortSignal) => api.get<SiteScoring>(base(siteId), undefined, { signal }),
  update: (siteId: string, rules: ScoringRules) => api.put<SiteScoring>(base(siteId), rules),
};
