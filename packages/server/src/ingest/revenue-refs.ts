import type { CanonicalEvent } from '@tidemark/core';

/** A stored event that carried revenue (revenue/ turns it into a transaction). */
export interface CollectedRevenue {
  event_id: string;
  ts: number;
  visitor_id: string;
  session_id: string;
  amount: number;
  currency: string;
  transaction_id: string;
  product: string;
}

/** An identified visitor's e-mail (identify traits), for matching a payment's customer to a visitor. */
export interface CollectedIdentity {
  visitor_id: string;
  session_id: string;
  email: string;
  ts: number;
}

/** A visitor id seen with a user id (an identified visitor): its payments take the user's other visitor ids' sessions. */
export interface CollectedUserLink {
  visitor_id: string;
  user_id: string;
}

/** What a request's stored events tell revenue/: payments, identified e-mails and users, and the last visitor and session seen. */
export interface RevenueRefs {
  revenue?: CollectedRevenue[];
  identities?: CollectedIdentity[];
  users?: CollectedUserLink[];
  last?: { visitor_id: string; session_id: string };
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function revenueRefs(events: readonly CanonicalEvent[]): RevenueRefs {
  const revenue: CollectedRevenue[] = [];
  const identities: CollectedIdentity[] = [];
  const users = new Map<string, CollectedUserLink>();
  for (const e of events) {
    if (e.user_id) users.set(`${e.visitor_id}\u0000${e.user_id}`, { visitor_id: e.visitor_id, user_id: e.user_id });
    if (e.revenue_amount !== null && Number.isFinite(e.revenue_amount) && e.revenue_currency)
      revenue.push({
        event_id: e.event_id,
        ts: e.ts,
        visitor_id: e.visitor_id,
        session_id: e.session_id,
        amount: e.revenue_amount,
        currency: e.revenue_currency,
        transaction_id: (e.props.transaction_id ?? '').slice(0, 255),
        product: (e.props.product ?? '').slice(0, 255),
      });
    const email = (e.props.email ?? '').trim();
    if (e.user_id && EMAIL.test(email)) identities.push({ visitor_id: e.visitor_id, session_id: e.session_id, email, ts: e.ts });
  }
  const last = events[events.length - 1];
  return {
    ...(revenue.length ? { revenue } : {}),
    ...(identities.length ? { identities } : {}),
    ...(users.size ? { users: [...users.values()] } : {}),
    ...(last ? { last: { visitor_id: last.visitor_id, session_id: last.session_id } } : {}),
  };
}
