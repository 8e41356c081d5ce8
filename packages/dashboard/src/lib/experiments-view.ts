import type { ExperimentInput } from '@tidemark/core';

/** The Experiments page's view state in the URL: the experiment whose results are open (`?e=<id>`). */
export interface ExperimentsView {
  selected: string | null;
}

export function parseExperimentsView(search: string): ExperimentsView {
  const e = new URLSearchParams(search).get('e');
  return { selected: e && e.length <= 64 ? e : null };
}

export function serializeExperimentsView(v: ExperimentsView): string {
  return v.selected ? `?e=${encodeURIComponent(v.selected)}` : '';
}

/**
 * The create form's variants field: "control:50, treatment:50" (a key without a weight weighs 1) into
 * variants; the server validates the keys and weights again.
 */
export function parseVariants(text: string): ExperimentInput['variants'] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [key, weight] = part.split(':').map((s) => s.trim());
      return { key: key ?? '', weight: weight === undefined || weight === '' ? 1 : Number(weight) };
    });
}

/** "+12.3 %" / "−4.0 %": signed percentages for uplifts. */
export function formatSigned(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const s = Math.abs(n).toFixed(digits);
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${s} %`;
}

/** p-values: three decimals, "< 0.001" below. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
