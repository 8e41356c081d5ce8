// Types only from core: its values bring zod, whose set-up trips the page's CSP (no eval).
import type { Vital } from '@tidemark/core';

export const VITAL_LIST: Array<{ id: Vital; label: string; name: string }> = [
  { id: 'lcp', label: 'LCP', name: 'Largest Contentful Paint' },
  { id: 'inp', label: 'INP', name: 'Interaction to Next Paint' },
  { id: 'cls', label: 'CLS', name: 'Cumulative Layout Shift' },
  { id: 'fcp', label: 'FCP', name: 'First Contentful Paint' },
  { id: 'ttfb', label: 'TTFB', name: 'Time to First Byte' },
];

export const RATING_LABEL: Record<string, string> = { good: 'Good', 'needs-improvement': 'Needs improvement', poor: 'Poor' };

/** ms as "1.23 s" from a second on, CLS with up to 3 decimals. */
export function formatVital(vital: Vital, value: number | null): string {
  if (value === null) return '—';
  if (vital === 'cls') return String(value);
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** The rating of a value under the server's thresholds (the report's `thresholds`, web.dev's). */
export function ratingOf(thresholds: Record<Vital, { good: number; poor: number }>, vital: Vital, value: number): string {
  const t = thresholds[vital];
  return value <= t.good ? 'good' : value <= t.poor ? 'needs-improvement' : 'poor';
}

/** The stats metrics of a vital: p50, p75 and p95. */
export const vitalMetrics = (vital: Vital) => [`${vital}_p50`, `${vital}_p75`, `${vital}_p95`];
