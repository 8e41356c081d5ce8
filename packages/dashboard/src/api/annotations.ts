import { api } from './client';
import type { Annotation, AnnotationInput } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/annotations`;

export const annotationsApi = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (await api.get<{ annotations: Annotation[] }>(base(siteId), undefined, { signal })).annotations,
  create: (siteId: string, input: AnnotationInput) => api.post<Annotation>(base(siteId), input),
  remove: (siteId: string, id: string) => api.del<unknown>(`${base(siteId)}/${encodeURIComponent(id)}`),
};
