import type { CanonicalEvent } from '@tidemark/core';
import { cohortEvent } from './cohorts-fixture';

/**
 * Traits for seeded traffic: for each user id of `events`, identify events on visitor `t-<user>` from
 * `at` on giving the `plan` trait; every fourth user changes plan later, every fifth sends a later
 * identify without it (the plan stays), every seventh an empty plan (no value).
 */
export const PLANS = ['free', 'pro', 'team'] as const;

export function traitIdentifies(events: CanonicalEvent[], siteId: string, at: number): CanonicalEvent[] {
  const users = [...new Set(events.filter((e) => e.user_id).map((e) => e.user_id))].sort();
  const out: CanonicalEvent[] = [];
  users.forEach((user, i) => {
    const ev = (dt: number, props: Record<string, string>) => {
      const e = cohortEvent(siteId, `t-${user}`, at + i * 1000 + dt, 'identify', { user });
      e.props = { user_id: user, ...props };
      out.push(e);
    };
    ev(0, { plan: i % 7 === 0 ? '' : PLANS[i % 3]! });
    if (i % 4 === 0) ev(500, { plan: 'enterprise' });
    if (i % 5 === 0) ev(700, { company: `c${i}` });
  });
  return out;
}

/** The latest non-empty value of `key` per user id among the identify events (computed plainly). */
export function latestTraits(events: CanonicalEvent[], key: string): Map<string, string> {
  const out = new Map<string, { ts: number; v: string }>();
  for (const e of events) {
    const v = e.props[key];
    if (e.name !== 'identify' || !e.user_id || !v) continue;
    const cur = out.get(e.user_id);
    if (!cur || e.ts > cur.ts) out.set(e.user_id, { ts: e.ts, v });
  }
  return new Map([...out].map(([u, x]) => [u, x.v]));
}
