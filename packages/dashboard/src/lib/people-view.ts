import type { PROFILE_SORTS } from '@tidemark/core';

export type ProfileSort = (typeof PROFILE_SORTS)[number];
// Spelled out: the dashboard takes only types from core, so its bundle carries none of core's schemas.
const SORTS: readonly (string | null)[] = ['last_seen', 'events', 'score'] satisfies ProfileSort[];
const isSort = (v: string | null): v is ProfileSort => SORTS.includes(v);

/**
 * The People page's state in the URL: the list's search, order and page; on a profile
 * (`/sites/:id/people/:pid`) the timeline's page.
 */
export interface PeopleView {
  search: string;
  sort: ProfileSort;
  page: number;
  timelinePage: number;
}

export const PEOPLE_PAGE_SIZE = 25;
export const TIMELINE_PAGE_SIZE = 10;

const pageOf = (v: string | null) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n < 4000 ? n : 0;
};

export function parsePeopleView(search: string): PeopleView {
  const q = new URLSearchParams(search);
  return {
    search: (q.get('q') ?? '').slice(0, 200),
    sort: isSort(q.get('sort')) ? (q.get('sort') as ProfileSort) : 'last_seen',
    page: pageOf(q.get('page')),
    timelinePage: pageOf(q.get('tl')),
  };
}

export function serializePeopleView(v: PeopleView): string {
  const q = new URLSearchParams();
  if (v.search) q.set('q', v.search);
  if (v.sort !== 'last_seen') q.set('sort', v.sort);
  if (v.page) q.set('page', String(v.page));
  if (v.timelinePage) q.set('tl', String(v.timelinePage));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A profile's name in the list: its user id, or "Anonymous" with the start of its visitor id. */
export function profileLabel(id: string): string {
  return id.startsWith('u') ? id.slice(1) : `Anonymous ${id.slice(1, 9)}`;
}
