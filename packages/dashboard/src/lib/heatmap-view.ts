// Types only from core: its values bring zod, whose set-up trips the page's CSP (no eval).
import type { ViewportClass } from '@tidemark/core';
import { DEMO_DOMAIN } from '@tidemark/core/rules';
import { parseViewState, type ViewState } from './view-state';

export type HeatmapType = 'click' | 'move' | 'scroll';

/** The heatmap page's state in the URL: the overview's period, the page, the viewport class and the map type. */
export interface HeatmapView {
  period: ViewState;
  page: string;
  viewport: ViewportClass;
  type: HeatmapType;
}

export const VIEWPORTS: Array<{ id: ViewportClass; label: string; width: number }> = [
  { id: 'desktop', label: 'Desktop', width: 1440 },
  { id: 'tablet', label: 'Tablet', width: 820 },
  { id: 'mobile', label: 'Mobile', width: 390 },
];
export const TYPES: Array<{ id: HeatmapType; label: string }> = [
  { id: 'click', label: 'Clicks' },
  { id: 'move', label: 'Moves' },
  { id: 'scroll', label: 'Scroll' },
];

export function parseHeatmapView(search: string): HeatmapView {
  const q = new URLSearchParams(search);
  const viewport = VIEWPORTS.find((v) => v.id === q.get('viewport'))?.id ?? 'desktop';
  const type = TYPES.find((t) => t.id === q.get('type'))?.id ?? 'click';
  return { period: parseViewState(search), page: q.get('page') ?? '/', viewport, type };
}

export function serializeHeatmapView(v: HeatmapView): string {
  const q = new URLSearchParams();
  if (v.period.period !== 'last_30_days') q.set('period', v.period.period);
  if (v.period.period === 'custom') {
    if (v.period.from) q.set('from', v.period.from);
    if (v.period.to) q.set('to', v.period.to);
  }
  q.set('page', v.page);
  if (v.viewport !== 'desktop') q.set('viewport', v.viewport);
  if (v.type !== 'click') q.set('type', v.type);
  return `?${q.toString()}`;
}

/** The address the live page is shown from: the page as given when it is a URL, else on the site's domain. */
export function liveUrl(page: string, domain: string | undefined): string | null {
  if (/^https?:\/\//i.test(page)) return page;
  return domain && domain !== DEMO_DOMAIN ? `https://${domain}${page.startsWith('/') ? page : `/${page}`}` : null;
}
