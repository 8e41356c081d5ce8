import { api } from './client';
import type { PrivacyRequest, PrivacyRequestInput } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/privacy/requests`;

export const privacyApi = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (await api.get<{ requests: PrivacyRequest[] }>(base(siteId), undefined, { signal })).requests,
  create: (siteId: string, input: PrivacyRequestInput) => api.post<PrivacyRequest>(base(siteId), input),
};
