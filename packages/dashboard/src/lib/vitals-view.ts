// Types only from core: its values bring zod, whose set-up trips the page's CSP (no eval).
import type { Vital } from '@tidemark/core';
import { parseViewState, serializeViewState, type ViewState } from './view-state';
import { VITAL_LIST } from './vitals';

/** Dimensions the Web vitals breakdown offers (any stats dimension works; these are the useful ones for speed). */
export const VITALS_BREAKDOWNS = ['page', 'device', 'country', 'browser', 'os', 'channel', 'source'];

/** The Web vitals page's state in the URL: the overview's (period, filters) plus the chosen vital and breakdown. */
export interface VitalsView {
  view: ViewState;
  vital: Vital;
  by: string;
}

export function parseVitalsView(search: string): VitalsView {
  const q = new URLSearchParams(search);
  const vital = VITAL_LIST.find((v) => v.id === q.get('vital'))?.id ?? 'lcp';
  const by = q.get('by') ?? '';
  return { view: parseViewState(search), vital, by: VITALS_BREAKDOWNS.includes(by) ? by : 'page' };
}

/** The query string of a state: defaults (LCP, by page) are left out. */
export function serializeVitalsView(s: VitalsView): string {
  const base = serializeViewState(s.view);
  const extra = new URLSearchParams();
  if (s.vital !== 'lcp') extra.set('vital', s.vital);
  if (s.by !== 'page') extra.set('by', s.by);
  const tail = extra.toString();
  return tail ? `${base}${base ? '&' : '?'}${tail}` : base;
}
