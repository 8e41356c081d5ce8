import { api } from './client';
import type { LeadModelStatus, LeadScoreTrain, ScoringMode } from '@tidemark/core';

const site = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}`;

export const leadModelApi = {
  get: (siteId: string, signal?: AbortSignal) => api.get<LeadModelStatus>(`${site(siteId)}/models/lead-score`, undefined, { signal }),
  train: (siteId: string, body: LeadScoreTrain) => api.post<LeadModelStatus>(`${site(siteId)}/models/lead-score/train`, body),
  setMode: (siteId: string, mode: ScoringMode) => api.put<LeadModelStatus>(`${site(siteId)}/scoring/mode`, { mode }),
};
