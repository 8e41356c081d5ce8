import type { CanonicalEvent } from '@tidemark/core';

/**
 * The person rule of docs/people.md, computed plainly over a list of events (one site, the rows a
 * report reads): the member each event belongs to.
 */
export function personOf(read: CanonicalEvent[]): (e: CanonicalEvent) => string {
  const latest = new Map<string, { ts: number; user: string }>();
  for (const e of read) {
    if (!e.user_id) continue;
    const cur = latest.get(e.visitor_id);
    if (!cur || e.ts > cur.ts) latest.set(e.visitor_id, { ts: e.ts, user: e.user_id });
  }
  return (e) => (e.user_id ? `u${e.user_id}` : latest.has(e.visitor_id) ? `u${latest.get(e.visitor_id)!.user}` : `v${e.visitor_id}`);
}

/** Distinct values of `key` per group of `group`, as a plain object (group → count). */
export function distinctBy<T>(items: T[], group: (x: T) => string, key: (x: T) => string): Record<string, number> {
  const sets = new Map<string, Set<string>>();
  for (const x of items) {
    const g = group(x);
    if (!sets.has(g)) sets.set(g, new Set());
    sets.get(g)!.add(key(x));
  }
  return Object.fromEntries([...sets].map(([g, s]) => [g, s.size]));
}
