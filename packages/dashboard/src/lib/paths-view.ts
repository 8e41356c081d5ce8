import { parseViewState, serializeViewState, type ViewState } from './view-state';

/**
 * The Paths page's state in the URL: the overview's period and filters, the anchor (`from=/pricing`
 * or `to=/signup`; `kind=event` for an event name; none = from the entry page; `dir=end` before an end is
 * typed), the depth, whether
 * events are steps, and the page whose next/previous steps are listed (`page=`).
 */
export interface PathsView {
  view: ViewState;
  position: 'start' | 'end';
  kind: 'page' | 'event';
  anchor: string;
  depth: number;
  events: boolean;
  page: string | null;
}

export const DEPTHS = [2, 3, 4, 5, 6, 7, 8, 9, 10];

export function parsePathsView(search: string): PathsView {
  const q = new URLSearchParams(search);
  const to = q.get('to');
  const depth = Number(q.get('depth'));
  return {
    view: parseViewState(search),
    position: to !== null || q.get('dir') === 'end' ? 'end' : 'start',
    kind: q.get('kind') === 'event' ? 'event' : 'page',
    anchor: (to ?? q.get('from') ?? '').slice(0, 2000),
    depth: DEPTHS.includes(depth) ? depth : 5,
    events: q.get('events') === '1',
    page: q.get('page'),
  };
}

export function serializePathsView(s: PathsView): string {
  const q = new URLSearchParams(serializeViewState(s.view));
  if (s.anchor) q.set(s.position === 'end' ? 'to' : 'from', s.anchor);
  else if (s.position === 'end') q.set('dir', 'end');
  if (s.anchor && s.kind === 'event') q.set('kind', 'event');
  if (s.depth !== 5) q.set('depth', String(s.depth));
  if (s.events) q.set('events', '1');
  if (s.page) q.set('page', s.page);
  const str = q.toString();
  return str ? `?${str}` : '';
}

/** Whether the anchor can be sent: a page is a path, an event any name. */
export function anchorValid(s: PathsView): boolean {
  return !s.anchor || s.kind === 'event' || s.anchor.startsWith('/');
}
