import { api } from './client';
import type { Experiment, ExperimentInput, ExperimentResults } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/experiments`;
const one = (siteId: string, id: string) => `${base(siteId)}/${encodeURIComponent(id)}`;

export const experimentsApi = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (await api.get<{ experiments: Experiment[] }>(base(siteId), undefined, { signal })).experiments,
  create: (siteId: string, input: ExperimentInput) => api.post<Experiment>(base(siteId), input),
  start: (siteId: string, id: string) => api.post<Experiment>(`${one(siteId, id)}/start`),
  stop: (siteId: string, id: string) => api.post<Experiment>(`${one(siteId, id)}/stop`),
  declareWinner: (siteId: string, id: string, variant: string) => api.post<Experiment>(`${one(siteId, id)}/winner`, { variant }),
  remove: (siteId: string, id: string) => api.del<unknown>(one(siteId, id)),
  results: (siteId: string, id: string, signal?: AbortSignal) =>
    api.get<ExperimentResults>(`${one(siteId, id)}/results`, undefined, { signal }),
};
