import { PROFILE_SORTS, SCORE_BUCKETS } from '@tidemark/core/rules';

export type ProfileSort = (typeof PROFILE_SORTS)[number];
const isSort = (v: string | null): v is ProfileSort => (PROFILE_SORTS as readonly (string | null)[]).includes(v);

/**
 * The People page's state in the URL: the list's order and page; on a profile (`/sites/:id/people/:pid`)
 * the timeline's page. The search is not: it may be a trait value, and traits never go into URLs
 * (docs/people.md); the page keeps it while open.
 */
export interface PeopleView {
  sort: ProfileSort;
  page: number;
  /** The trait key of the breakdown by trait value ('' = none); a key, never a value. */
  trait: string;
  /** Stats filters of the list (people with a session in the last 12 months matching them): a page visited, a source. */
  visited: string;
  source: string;
  /** A segment id and a lead-score bucket (docs/segments.md): stats filters of the list like the two above. */
  segment: string;
  score: string;
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
    sort: isSort(q.get('sort')) ? (q.get('sort') as ProfileSort) : 'last_seen',
    page: pageOf(q.get('page')),
    trait: (q.get('trait') ?? '').slice(0, 64),
    visited: (q.get('visited') ?? '').slice(0, 500),
    source: (q.get('source') ?? '').slice(0, 500),
    segment: (q.get('segment') ?? '').slice(0, 40),
    score: (SCORE_BUCKETS as readonly string[]).includes(q.get('score') ?? '') ? q.get('score')! : '',
    timelinePage: pageOf(q.get('tl')),
  };
}

export function serializePeopleView(v: PeopleView): string {
  const q = new URLSearchParams();
  if (v.sort !== 'last_seen') q.set('sort', v.sort);
  if (v.page) q.set('page', String(v.page));
  if (v.trait) q.set('trait', v.trait);
  if (v.visited) q.set('visited', v.visited);
  if (v.source) q.set('source', v.source);
  if (v.segment) q.set('segment', v.segment);
  if (v.score) q.set('score', v.score);
  if (v.timelinePage) q.set('tl', String(v.timelinePage));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A profile's name in the list: its user id, or "Anonymous" with the start of its visitor id. */
export function profileLabel(id: string): string {
  return id.startsWith('u') ? id.slice(1) : `Anonymous ${id.slice(1, 9)}`;
}

/** The list's stats filters as the API's `filters` parameter (undefined without any). */
export function peopleFilters(v: PeopleView): string | undefined {
  const f: Record<string, string> = {};
  if (v.visited) f.page = v.visited;
  if (v.source) f.source = v.source;
  if (v.segment) f.segment = v.segment;
  if (v.score) f.score = v.score;
  return Object.keys(f).length ? JSON.stringify(f) : undefined;
}
