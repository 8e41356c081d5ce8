import { api } from './client';
import type { Cohorts } from '@tidemark/core';
import { cohortParams, type CohortsView } from '../lib/cohorts-view';

export const cohortsApi = {
  get: (siteId: string, s: CohortsView, signal?: AbortSignal) =>
    api.get<Cohorts>(`/api/sites/${encodeURIComponent(siteId)}/cohorts`, cohortParams(s), { signal }),
};
