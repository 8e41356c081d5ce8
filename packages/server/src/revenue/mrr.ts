/**
 * Monthly recurring revenue (PRD §4.2.2): active subscriptions normalised to a month (yearly / 12,
 * weekly × 52 / 12, daily × 365 / 12), net of discounts; ARR = MRR × 12; movements per month from each
 * customer's MRR at the end of one month against the end of the one before.
 */

export type Interval = 'day' | 'week' | 'month' | 'year';

const PER_MONTH: Record<Interval, number> = { day: 365 / 12, week: 52 / 12, month: 1, year: 1 / 12 };

/** `amount` charged every `count` intervals, per month (fractional minor units; round the total). */
export function monthlyMinor(amount: number, interval: Interval, count = 1): number {
  return (amount * PER_MONTH[interval]) / Math.max(1, count);
}

/** One subscription's state as a webhook reported it. */
export interface SubscriptionState {
  subscription_id: string;
  customer_id: string;
  created: number;
  rank: number;
  fact_id: string;
  status: string;
  mrr: number;
  currency: string;
}

/** Stripe's latest state wins: later `created`, then created < updated < deleted, then event id. */
export function isLater(a: SubscriptionState, b: SubscriptionState): boolean {
  if (a.created !== b.created) return a.created > b.created;
  if (a.rank !== b.rank) return a.rank > b.rank;
  return a.fact_id > b.fact_id;
}

/** Each subscription's latest state reported at or before `at` (ms). */
export function statesAt(states: readonly SubscriptionState[], at: number): Map<string, SubscriptionState> {
  const latest = new Map<string, SubscriptionState>();
  for (const s of states) {
    if (s.created > at) continue;
    const prev = latest.get(s.subscription_id);
    if (!prev || isLater(s, prev)) latest.set(s.subscription_id, s);
  }
  return latest;
}

/** MRR per currency at `at`. */
export function mrrAt(states: readonly SubscriptionState[], at: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statesAt(states, at).values()) if (s.mrr > 0) out[s.currency] = (out[s.currency] ?? 0) + s.mrr;
  return out;
}

export interface MrrMovement {
  month: string; // YYYY-MM
  currency: string;
  new: number;
  expansion: number;
  contraction: number;
  churned: number;
  reactivated: number;
  mrr: number;
}

/**
 * Movements of each month in [fromMonth, toMonth] (UTC, YYYY-MM), per currency: a customer's MRR at the
 * month's end against the previous month's end. New: from nothing, never paid before; reactivated: from
 * nothing after having paid; churned: to nothing (a positive amount, the MRR lost); expansion and
 * contraction: the change of a customer paying in both.
 */
export function mrrMovements(states: readonly SubscriptionState[], fromMonth: string, toMonth: string): MrrMovement[] {
  const months = monthRange(fromMonth, toMonth);
  const out: MrrMovement[] = [];
  const ever = new Set<string>();
  const byCustomer = (at: number) => {
    const m = new Map<string, { mrr: number; currency: string }>();
    for (const s of statesAt(states, at).values()) {
      if (s.mrr <= 0) continue;
      const k = `${s.currency}\u0000${s.customer_id || s.subscription_id}`;
      const prev = m.get(k);
      m.set(k, { mrr: (prev?.mrr ?? 0) + s.mrr, currency: s.currency });
    }
    return m;
  };
  // Customers who paid before the first month count as having paid (reactivation, not new).
  const start = monthStart(months[0]!);
  for (const s of states) if (s.created < start && s.mrr > 0) ever.add(`${s.currency}\u0000${s.customer_id || s.subscription_id}`);
  let prev = byCustomer(start - 1);
  for (const month of months) {
    const cur = byCustomer(monthStart(nextMonth(month)) - 1);
    const rows = new Map<string, MrrMovement>();
    const row = (currency: string) => {
      let r = rows.get(currency);
      if (!r) {
        r = { month, currency, new: 0, expansion: 0, contraction: 0, churned: 0, reactivated: 0, mrr: 0 };
        rows.set(currency, r);
      }
      return r;
    };
    for (const [k, c] of cur) {
      const p = prev.get(k);
      const r = row(c.currency);
      r.mrr += c.mrr;
      if (!p) {
        if (ever.has(k)) r.reactivated += c.mrr;
        else r.new += c.mrr;
      } else if (c.mrr > p.mrr) r.expansion += c.mrr - p.mrr;
      else if (c.mrr < p.mrr) r.contraction += p.mrr - c.mrr;
      ever.add(k);
    }
    for (const [k, p] of prev) if (!cur.has(k)) row(p.currency).churned += p.mrr;
    out.push(...[...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency)));
    if (!rows.size) out.push({ month, currency: '', new: 0, expansion: 0, contraction: 0, churned: 0, reactivated: 0, mrr: 0 });
    prev = cur;
  }
  return out;
}

export const monthStart = (month: string) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);
export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
function nextMonth(month: string): string {
  const d = new Date(monthStart(month));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return monthOf(d.getTime());
}
function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 240; m = nextMonth(m)) out.push(m);
  return out;
}
