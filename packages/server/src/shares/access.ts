import { forbidden, SHARE_CARD_DIMENSIONS, SHARE_GOAL_METRICS, SHARE_METRICS, type FilterNode, type ShareCard } from '@tidemark/core';
import { parseDashboardParams } from '../stats';

/** The dimensions of a filter tree (or list), wherever they sit in it. */
export function filterDimensions(nodes: readonly FilterNode[]): Set<string> {
  const out = new Set<string>();
  const walk = (n: FilterNode) => {
    const [head, ...rest] = n as unknown as [string, ...unknown[]];
    if (head === 'and' || head === 'or' || head === 'not') for (const c of rest as FilterNode[]) walk(c);
    else out.add(String(rest[0]));
  };
  for (const n of nodes) walk(n);
  return out;
}

/**
 * What a link's cards let it read: their breakdown dimensions (also the only ones it may filter on)
 * and the dashboard's metrics, with conversion metrics only when the goals card is shown.
 */
export function shareAllows(cards: readonly ShareCard[]): { dimensions: Set<string>; metrics: Set<string> } {
  const dimensions = new Set<string>(cards.flatMap((c) => SHARE_CARD_DIMENSIONS[c] ?? []));
  const metrics = new Set<string>([...SHARE_METRICS, ...(cards.includes('goals') ? SHARE_GOAL_METRICS : [])]);
  return { dimensions, metrics };
}

/** Refuses (403) stats parameters asking for anything outside the link's cards; bad parameters stay 400s. */
export function checkShareParams(cards: readonly ShareCard[], params: Record<string, unknown>): void {
  const req = parseDashboardParams(params);
  const allow = shareAllows(cards);
  for (const d of req.dimensions) if (!allow.dimensions.has(d)) throw forbidden(`This shared link does not show ${d}`);
  for (const m of req.metrics) if (!allow.metrics.has(m)) throw forbidden(`This shared link does not show ${m}`);
  for (const d of filterDimensions(req.filters)) if (!allow.dimensions.has(d)) throw forbidden(`This shared link cannot filter on ${d}`);
}
