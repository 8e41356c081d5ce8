import type { SideRow } from '../store';
import { SOURCE_PRIORITY, type FactData } from './stripe-facts';
import type { SubscriptionState } from './mrr';

/** A fact as stored in `revenue_facts` (data parsed). */
export interface StoredFact {
  fact_id: string;
  kind: string;
  txn_key: string;
  alias_key: string;
  parent_key: string;
  subscription_id: string;
  created: number;
  visitor_id: string;
  session_id: string;
  email_hash: string;
  data: FactData & { email_mask?: string };
}

export function parseFactRow(r: Record<string, unknown>): StoredFact {
  let data: FactData = { source: '' };
  try {
    data = JSON.parse(String(r.data ?? '{}')) as FactData;
  } catch {
    // a row is only ever written by us; an unreadable one contributes nothing but its key
  }
  return {
    fact_id: String(r.fact_id),
    kind: String(r.kind),
    txn_key: String(r.txn_key),
    alias_key: String(r.alias_key ?? ''),
    parent_key: String(r.parent_key ?? ''),
    subscription_id: String(r.subscription_id ?? ''),
    created: Number(r.created),
    visitor_id: String(r.visitor_id ?? ''),
    session_id: String(r.session_id ?? ''),
    email_hash: String(r.email_hash ?? ''),
    data,
  };
}

/** Best first: the most authoritative source, then the earliest fact (a deterministic order, whatever arrived first). */
const byAuthority = (a: StoredFact, b: StoredFact) =>
  (SOURCE_PRIORITY[b.data.source] ?? -1) - (SOURCE_PRIORITY[a.data.source] ?? -1) ||
  a.created - b.created ||
  (a.fact_id < b.fact_id ? -1 : 1);

interface Link {
  visitor_id: string;
  session_id: string;
  link: string;
}

/**
 * Folds every payment and refund among `facts` into transaction rows. `facts` must hold, for each key
 * folded, all facts with that key, those naming it as alias or parent, and the facts of its subscription
 * (revenue/store.ts loads that closure). The result depends only on the set of facts, never on the order
 * they arrived in: retries and reordering converge.
 */
export function foldTransactions(siteId: string, facts: readonly StoredFact[], version: number): SideRow[] {
  const payments = new Map<string, StoredFact[]>();
  const refunds = new Map<string, StoredFact[]>();
  const aliasOf = new Map<string, string>(); // another name of a payment (its intent, its checkout session) -> its key
  const aliases = new Map<string, string[]>();
  const subs = new Map<string, StoredFact[]>();
  const identities = new Map<string, StoredFact[]>(); // e-mail hash -> identified visitors
  for (const f of facts) {
    if (f.kind === 'payment') push(payments, f.txn_key, f);
    else if (f.kind === 'refund') push(refunds, f.txn_key, f);
    else if (f.kind === 'subscription') push(subs, f.subscription_id, f);
    else if (f.kind === 'identity' && f.email_hash) push(identities, f.email_hash, f);
    if (f.kind === 'payment' && f.alias_key && f.alias_key !== f.txn_key) {
      aliasOf.set(f.alias_key, f.txn_key);
      push(aliases, f.txn_key, f.alias_key);
    }
  }
  const rows: SideRow[] = [];
  const folded = new Map<string, SideRow>();
  for (const [key, list] of payments) {
    // Link facts (invoice_payment.paid) alone make no payment.
    const counted = list.filter((f) => f.data.amount !== undefined).sort(byAuthority);
    const best = counted[0];
    if (!best) continue;
    const merged = aliasOf.has(key);
    // Facts reported under the payment's other names (its intent, its session, a page's transaction id).
    const related = [...list, ...(aliases.get(key) ?? []).flatMap((a) => payments.get(a) ?? [])].sort(byAuthority);
    const subId = list.map((f) => f.subscription_id).find(Boolean) ?? '';
    const email = related.filter((f) => f.email_hash)[0];
    const ts = Math.min(...counted.map((f) => f.created));
    const link = linkOf(related, subs.get(subId) ?? [], identities.get(email?.email_hash ?? '') ?? [], ts);
    const row: SideRow = {
      site_id: siteId,
      txn_key: key,
      kind: 'payment',
      status: merged ? 'merged' : 'counted',
      source: best.data.source === 'collect' ? 'collect' : 'stripe',
      transaction_id: best.data.transaction_id ?? key,
      ts,
      amount: best.data.amount ?? 0,
      currency: best.data.currency ?? '',
      product_id: pick(counted, (d) => d.product_id),
      product_name: pick(counted, (d) => d.product_name),
      is_subscription: subId ? 1 : 0,
      subscription_id: subId,
      mrr_impact: counted.map((f) => f.data.mrr_impact ?? 0).find((n) => n > 0) ?? 0,
      refund_of: '',
      customer_id: pick(counted, (d) => d.customer_id),
      email_hash: email?.email_hash ?? '',
      email_mask: email?.data.email_mask ?? '',
      ...link,
      version,
    };
    folded.set(key, row);
    rows.push(row);
  }
  for (const [key, list] of refunds) {
    const sorted = [...list].sort(byAuthority);
    const first = sorted[0]!;
    const parentKey = aliasOf.get(first.parent_key) ?? first.parent_key;
    const parent = folded.get(parentKey);
    const refunded = Math.max(...list.map((f) => f.data.amount_refunded ?? 0));
    rows.push({
      site_id: siteId,
      txn_key: key,
      kind: 'refund',
      status: 'counted',
      source: 'stripe',
      transaction_id: first.data.transaction_id ?? key,
      ts: Math.min(...list.map((f) => f.created)),
      amount: -refunded,
      currency: first.data.currency ?? parent?.currency ?? '',
      product_id: parent?.product_id ?? '',
      product_name: parent?.product_name ?? '',
      is_subscription: parent?.is_subscription ?? 0,
      subscription_id: parent?.subscription_id ?? '',
      mrr_impact: 0,
      refund_of: parentKey,
      customer_id: first.data.customer_id ?? parent?.customer_id ?? '',
      email_hash: first.email_hash || String(parent?.email_hash ?? ''),
      email_mask: first.data.email_mask || String(parent?.email_mask ?? ''),
      // A refund is credited to whatever its payment was.
      visitor_id: parent?.visitor_id ?? '',
      session_id: parent?.session_id ?? '',
      link: parent?.link ?? '',
      version,
    });
  }
  return rows;
}

/**
 * Who paid: a verified token on the payment (best source first), else on its subscription, else the
 * visitor last identified with the customer's e-mail before the payment (or first after it).
 */
function linkOf(sorted: StoredFact[], subFacts: StoredFact[], identified: StoredFact[], ts: number): Link {
  const hit = sorted.find((f) => f.visitor_id) ?? [...subFacts].sort((a, b) => a.created - b.created).find((f) => f.visitor_id);
  if (hit) return { visitor_id: hit.visitor_id, session_id: hit.session_id, link: hit.data.source === 'collect' ? 'tracker' : 'token' };
  const before = identified
    .filter((f) => f.created <= ts && f.visitor_id)
    .sort((a, b) => b.created - a.created || (a.fact_id < b.fact_id ? -1 : 1));
  const after = identified
    .filter((f) => f.created > ts && f.visitor_id)
    .sort((a, b) => a.created - b.created || (a.fact_id < b.fact_id ? -1 : 1));
  const who = before[0] ?? after[0];
  return who ? { visitor_id: who.visitor_id, session_id: who.session_id, link: 'email' } : { visitor_id: '', session_id: '', link: '' };
}

function pick(sorted: StoredFact[], get: (d: FactData) => string | undefined): string {
  for (const f of sorted) {
    const v = get(f.data);
    if (v) return v;
  }
  return '';
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Subscription facts as states for MRR (revenue/mrr.ts). */
export function subscriptionStates(facts: readonly StoredFact[]): SubscriptionState[] {
  return facts
    .filter((f) => f.kind === 'subscription')
    .map((f) => ({
      subscription_id: f.subscription_id,
      customer_id: f.data.customer_id ?? '',
      created: f.created,
      rank: f.data.rank ?? 0,
      fact_id: f.fact_id,
      status: f.data.status ?? '',
      mrr: f.data.mrr ?? 0,
      currency: f.data.currency ?? '',
    }));
}
