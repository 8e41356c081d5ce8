import type { CanonicalEvent, ProfileMerge, ProfileSummary } from '@tidemark/core';
import type { EventStore } from '../../src/store';
import { personOf } from './people-oracle';

/** What a profile summary says of a person, its score aside. */
export type ProfileFacts = Omit<ProfileSummary, 'score' | 'score_reasons' | 'segment'>;

/** A payment or refund (minor units of EUR) of a visitor id, as the suites write it into `transactions`. */
export interface Payment {
  site: string;
  key: string;
  kind: 'payment' | 'refund';
  visitor: string;
  ts: number;
  amount: number;
}

/** Payments of every eleventh visitor id of `events` (some identified, some re-identified, some anonymous), one refunded. */
export function profilePayments(events: CanonicalEvent[], site: string): Payment[] {
  const visitors = [...new Set(events.map((e) => e.visitor_id))].sort().filter((_, i) => i % 11 === 0);
  const first = new Map<string, number>();
  for (const e of events) first.set(e.visitor_id, Math.min(first.get(e.visitor_id) ?? Infinity, e.ts));
  const out: Payment[] = visitors.map((visitor, i) => ({
    site,
    key: `pay-${i}`,
    kind: 'payment',
    visitor,
    ts: first.get(visitor)! + 60_000,
    amount: 1000 + i * 137,
  }));
  out.push({ ...out[0]!, key: 'refund-0', kind: 'refund', ts: out[0]!.ts + 1000, amount: -400 });
  return out;
}

/** Writes the payments as counted Stripe transactions in EUR, the rows the revenue code reads. */
export async function writePayments(store: EventStore, payments: Payment[]): Promise<void> {
  await store.upsertSideRows(
    'transactions',
    payments.map((p) => ({
      site_id: p.site,
      txn_key: p.key,
      kind: p.kind,
      status: 'counted',
      source: 'stripe',
      ts: p.ts,
      amount: p.amount,
      currency: 'EUR',
      visitor_id: p.visitor,
      version: 1,
    })),
  );
}

/**
 * Profiles computed plainly from one site's events with the person rule (people-oracle.ts); a payment
 * belongs to the person of its visitor id (the latest user id it carried, else itself).
 */
export function profileOracle(site: CanonicalEvent[], payments: Payment[] = []): Map<string, ProfileFacts & { list: CanonicalEvent[] }> {
  const person = personOf(site);
  const out = new Map<string, ProfileFacts & { list: CanonicalEvent[] }>();
  for (const e of site) {
    const id = person(e);
    const p = out.get(id) ?? {
      id,
      user_id: id.startsWith('u') ? id.slice(1) : null,
      first_seen: Infinity,
      last_seen: -Infinity,
      sessions: 0,
      pageviews: 0,
      events: 0,
      visitor_ids: 0,
      revenue: 0,
      transactions: 0,
      currency: null,
      list: [],
    };
    p.list.push(e);
    p.first_seen = Math.min(p.first_seen, e.ts);
    p.last_seen = Math.max(p.last_seen, e.ts);
    p.events += 1;
    if (e.name === 'page_view') p.pageviews += 1;
    out.set(id, p);
  }
  for (const p of out.values()) {
    p.sessions = new Set(p.list.map((e) => `${e.session_id}|${e.visitor_id}`)).size;
    p.visitor_ids = new Set(p.list.map((e) => e.visitor_id)).size;
  }
  const minor = new Map<string, number>();
  for (const pay of payments) {
    const p = out.get(person({ user_id: '', visitor_id: pay.visitor } as CanonicalEvent));
    if (!p) continue;
    minor.set(p.id, (minor.get(p.id) ?? 0) + pay.amount);
    if (pay.kind === 'payment') p.transactions += 1;
    p.currency = 'EUR';
  }
  for (const [id, m] of minor) out.get(id)!.revenue = m / 100;
  return out;
}

/** Merges of a profile: each (visitor id, user id) pair of its visitor ids with its first event, in time order. */
export function mergeOracle(site: CanonicalEvent[], profile: CanonicalEvent[]): ProfileMerge[] {
  const vids = new Set(profile.map((e) => e.visitor_id));
  const first = new Map<string, { visitor_id: string; user_id: string; at: number }>();
  for (const e of site) {
    if (!e.user_id || !vids.has(e.visitor_id)) continue;
    const k = `${e.visitor_id}\n${e.user_id}`;
    if (!first.has(k) || e.ts < first.get(k)!.at) first.set(k, { visitor_id: e.visitor_id, user_id: e.user_id, at: e.ts });
  }
  const pairs = [...first.values()].sort(
    (a, b) => a.at - b.at || (a.visitor_id < b.visitor_id ? -1 : a.visitor_id > b.visitor_id ? 1 : a.user_id < b.user_id ? -1 : 1),
  );
  const before = new Map<string, string>();
  return pairs.map((m) => {
    const previous_user_id = before.get(m.visitor_id) ?? null;
    before.set(m.visitor_id, m.user_id);
    return { ...m, previous_user_id };
  });
}
