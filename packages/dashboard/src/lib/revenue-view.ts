// Types only from core: its values bring zod, whose set-up trips the page's CSP (no eval).
import type { AttributionModelName } from '@tidemark/core';
import { parseViewState, type ViewState } from './view-state';

/** The revenue page's state in the URL: the overview's period plus `model` and `compare` (five models side by side). */
export interface RevenueView {
  period: ViewState;
  model: AttributionModelName;
  compare: boolean;
  /** The dimension of the "revenue by" card (a stats dimension). */
  by: string;
}

/** Dimensions the "revenue by" card offers, with their labels. */
export const REVENUE_BY: Array<{ dimension: string; label: string }> = [
  { dimension: 'channel', label: 'Channel' },
  { dimension: 'source', label: 'Source' },
  { dimension: 'medium', label: 'UTM medium' },
  { dimension: 'campaign', label: 'UTM campaign' },
  { dimension: 'referrer_domain', label: 'Referrer' },
  { dimension: 'entry_page', label: 'Entry page' },
  { dimension: 'page', label: 'Page visited' },
  { dimension: 'country', label: 'Country' },
  { dimension: 'device', label: 'Device type' },
  { dimension: 'browser', label: 'Browser' },
  { dimension: 'os', label: 'Operating system' },
];

export const MODEL_LABELS: Record<AttributionModelName, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  linear: 'Linear',
  time_decay: 'Time decay',
  position_based: 'Position based',
};

/** Every model, in the order shown (the Record above makes the compiler check that none is missing). */
export const MODELS = Object.keys(MODEL_LABELS) as AttributionModelName[];

export function parseRevenueView(search: string): RevenueView {
  const q = new URLSearchParams(search);
  const model = q.get('model');
  return {
    period: parseViewState(search),
    model: (MODELS as readonly string[]).includes(model ?? '') ? (model as AttributionModelName) : 'last_touch',
    compare: q.get('compare_models') === '1',
    by: REVENUE_BY.some((b) => b.dimension === q.get('by')) ? (q.get('by') as string) : 'channel',
  };
}

export function serializeRevenueView(v: RevenueView): string {
  const q = new URLSearchParams();
  if (v.period.period !== 'last_30_days') q.set('period', v.period.period);
  if (v.period.period === 'custom') {
    if (v.period.from) q.set('from', v.period.from);
    if (v.period.to) q.set('to', v.period.to);
  }
  if (v.model !== 'last_touch') q.set('model', v.model);
  if (v.compare) q.set('compare_models', '1');
  if (v.by !== 'channel') q.set('by', v.by);
  const s = q.toString();
  return s ? `?${s}` : '';
}
