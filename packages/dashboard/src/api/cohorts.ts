import { api } from './client';
import type { Cohorts, JourneySegments } from '@tidemark/core';
import { cohortParams, type CohortsView } from '../lib/cohorts-view';

export const cohortsApi = {
  get: (siteId: string, s: CohortsView, signal?: AbortSignal) =>
    api.get<Cohorts>(`/api/sites/${encodeURIComponent(siteId)}/cohorts`, cohortParams(s), { signal }),
};

export const journeysApi = {
  get: (siteId: string, s: CohortsView, signal?: AbortSignal) =>
    api.get<JourneySegments>(
      `/api/sites/${encodeURIComponent(siteId)}/journeys`,
      {
        goal: s.goal ?? undefined,
        unit: s.unit ?? undefined,
        ...(s.from && s.to ? { period: 'custom', start_date: s.from, end_date: s.to } : {}),
      },
      { signal },
    ),
};
