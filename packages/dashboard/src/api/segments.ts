import { api } from './client';
import type { Segments } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/segments`;

export const segmentsApi = {
  list: (siteId: string, signal?: AbortSignal) => api.get<Segments>(base(siteId), undefined, { signal }),
  train: (siteId: string) => api.post<{ success: true; status: 'training' }>(`${base(siteId)}/train`, {}),
};
