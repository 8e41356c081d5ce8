import { api } from './client';
import type { Profile, ProfileList, ProfileTimeline } from '@tidemark/core';
import { PEOPLE_PAGE_SIZE, peopleFilters, TIMELINE_PAGE_SIZE, type PeopleView } from '../lib/people-view';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/profiles`;

export const profilesApi = {
  list: (siteId: string, v: PeopleView, search: string, signal?: AbortSignal) =>
    api.get<ProfileList>(
      base(siteId),
      {
        search: search || undefined,
        filters: peopleFilters(v),
        sort: v.sort,
        limit: String(PEOPLE_PAGE_SIZE),
        offset: String(v.page * PEOPLE_PAGE_SIZE),
      },
      { signal },
    ),
  get: (siteId: string, pid: string, signal?: AbortSignal) =>
    api.get<Profile>(`${base(siteId)}/${encodeURIComponent(pid)}`, undefined, { signal }),
  timeline: (siteId: string, pid: string, page: number, signal?: AbortSignal) =>
    api.get<ProfileTimeline>(
      `${base(siteId)}/${encodeURIComponent(pid)}/timeline`,
      { limit: String(TIMELINE_PAGE_SIZE), offset: String(page * TIMELINE_PAGE_SIZE) },
      { signal },
    ),
};
