import { parseViewState, serializeViewState, type ViewState } from './view-state';

/**
 * The funnels page's state in the URL: the overview's period and filters, plus the funnel shown
 * (`funnel=<id>`), a breakdown (`breakdown=source`, `props:<key>` …) and the builder (`edit=<id>|new`).
 */
export interface FunnelView {
  view: ViewState;
  funnel: string | null;
  breakdown: string | null;
  edit: string | null;
}

export const FUNNEL_BREAKDOWNS = [
  { id: 'source', label: 'Source' },
  { id: 'channel', label: 'Channel' },
  { id: 'device', label: 'Device' },
  { id: 'country', label: 'Country' },
];

const PROP_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;

export function isBreakdown(v: string): boolean {
  return FUNNEL_BREAKDOWNS.some((b) => b.id === v) || (v.startsWith('props:') && PROP_KEY.test(v.slice(6)));
}

export function parseFunnelView(search: string): FunnelView {
  const q = new URLSearchParams(search);
  const breakdown = q.get('breakdown');
  return {
    view: parseViewState(search),
    funnel: q.get('funnel'),
    breakdown: breakdown && isBreakdown(breakdown) ? breakdown : null,
    edit: q.get('edit'),
  };
}

export function serializeFunnelView(s: FunnelView): string {
  const q = new URLSearchParams(serializeViewState(s.view));
  if (s.funnel) q.set('funnel', s.funnel);
  if (s.breakdown) q.set('breakdown', s.breakdown);
  if (s.edit) q.set('edit', s.edit);
  const str = q.toString();
  return str ? `?${str}` : '';
}
