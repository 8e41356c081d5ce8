import type { CanonicalEvent, GoalDefinition } from '@tidemark/core';
import type { ExperimentVariantCounts } from '../../src/stats';
import { personOf } from './people-oracle';

/** Whether one event completes a destination (exact path) or event goal, written plainly. */
function completes(e: CanonicalEvent, goal: GoalDefinition | null): boolean {
  if (!goal) return (e.revenue_amount ?? 0) > 0;
  if (goal.type === 'destination') return e.name === 'page_view' && e.path === (goal.match as { path: string }).path;
  if (goal.type === 'event') {
    const m = goal.match as { event_name: string; event_properties?: Record<string, string> };
    return e.name === m.event_name && Object.entries(m.event_properties ?? {}).every(([k, v]) => e.props[k] === v);
  }
  return false;
}

/**
 * An experiment's counts per variant computed over the events in [startMs, endMs): people by the person
 * rule, in the variant of their first exposure; converters with a completing event at or after it;
 * revenue amounts at or after it; sessions with an exposure of each variant.
 */
export function experimentOracle(
  events: CanonicalEvent[],
  o: { site: string; key: string; goal: GoalDefinition | null; startMs: number; endMs: number },
): ExperimentVariantCounts[] {
  const read = events.filter((e) => e.site_id === o.site && e.ts >= o.startMs && e.ts < o.endMs);
  const person = personOf(read);
  const isExposure = (e: CanonicalEvent) => e.name === '$exposure' && e.props.key === o.key;
  const first = new Map<string, CanonicalEvent>();
  for (const e of read.filter(isExposure)) {
    const m = person(e);
    const cur = first.get(m);
    if (!cur || e.ts < cur.ts) first.set(m, e);
  }
  const out = new Map<string, ExperimentVariantCounts>();
  const entry = (variant: string) => {
    if (!out.has(variant)) out.set(variant, { variant, sessions: 0, visitors: 0, conversions: 0, revenue: 0, revenue_sq: 0 });
    return out.get(variant)!;
  };
  for (const [m, exposure] of first) {
    const after = read.filter((e) => person(e) === m && e.ts >= exposure.ts);
    const revenue = after.reduce((s, e) => s + (e.revenue_amount ?? 0), 0);
    const v = entry(exposure.props.variant ?? '');
    v.visitors += 1;
    v.conversions += after.some((e) => completes(e, o.goal)) ? 1 : 0;
    v.revenue += revenue;
    v.revenue_sq += revenue * revenue;
  }
  const sessions = new Map<string, Set<string>>();
  for (const e of read.filter(isExposure)) {
    const variant = e.props.variant ?? '';
    if (!sessions.has(variant)) sessions.set(variant, new Set());
    sessions.get(variant)!.add(e.session_id);
  }
  for (const [variant, s] of sessions) entry(variant).sessions = s.size;
  return [...out.values()].sort((a, b) => (a.variant < b.variant ? -1 : 1));
}
