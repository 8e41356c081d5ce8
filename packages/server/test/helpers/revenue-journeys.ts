import type { AttributionModelName, CanonicalEvent } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import type { SideRow } from '../../src/store';
import { makeEvent, uuidv7 } from './events';

/**
 * Generated journeys for the revenue suites: visitors with sessions from several channels (some
 * visitor ids identified as one user), payments in a period (some in a currency converted at 1 EUR =
 * 1.25 USD, some in GBP without a rate), an unattributed payment and a refund; and the independent
 * computation the suites compare the engines with (the five models' shares, cut into minor units by
 * largest remainder), written from the docs, never from the service.
 */

export const DAY = 86_400_000;

export const TOUCHES = [
  { channel: 'Direct', source: '', medium: '', campaign: '' },
  { channel: 'Organic Search', source: 'Google', medium: '', campaign: '' },
  { channel: 'Paid Search', source: 'google', medium: 'cpc', campaign: 'brand' },
  { channel: 'Email', source: 'newsletter', medium: 'email', campaign: 'spring' },
  { channel: 'Social', source: 'twitter', medium: 'social', campaign: 'launch' },
  { channel: 'Referral', source: 'blog.example.org', medium: '', campaign: '' },
];
export type Touch = (typeof TOUCHES)[number];
export const PAGES = ['/', '/pricing', '/blog/a', '/features', '/signup'];
const COUNTRIES = ['US', 'DE', 'FR'];
const BROWSERS = ['Firefox', 'Chrome'];
/** The rates the suites import: EUR converts to USD at 1.25 in April and May 2025; GBP has none. */
export const RATES_CSV = 'date,currency,rate\n2025-04-01,USD,1.25\n2025-05-01,USD,1.25\n';

export interface JourneySession {
  visitor: string;
  id: string;
  start: number;
  touch: Touch;
  /** The pages seen, one a minute from `start`; the first is the landing page. */
  pages: string[];
  country: string;
  browser: string;
}

export interface JourneyPayment {
  key: string;
  visitor: string;
  ts: number;
  /** Minor units of `currency`; negative for a refund. */
  amount: number;
  currency: string;
  kind: 'payment' | 'refund';
}

export interface JourneyOptions {
  siteId: string;
  seed: string;
  visitors: number;
  /** The period payments fall in (31 days from `start`). */
  start: number;
  /** Sessions per visitor: 1 … maxSessions. */
  maxSessions: number;
  /** Sessions start from this many days before `start`, over `spanDays` days. */
  daysBefore: number;
  spanDays: number;
  touches: readonly Touch[];
  /** The user id visitor number `v` identified as, if any (its events carry it). */
  userOf?: (v: number) => string | undefined;
  /** Whether visitor number `v` pays (1 or 2 payments in the period). */
  pays: (v: number) => boolean;
}

export interface Journeys {
  sessions: JourneySession[];
  payments: JourneyPayment[];
  events: CanonicalEvent[];
  /** Visitor id -> user id, for the identified ones. */
  userOf: Map<string, string>;
}

export function generateJourneys(o: JourneyOptions): Journeys {
  const rng = new Prng(o.seed);
  const out: Journeys = { sessions: [], payments: [], events: [], userOf: new Map() };
  for (let v = 0; v < o.visitors; v++) {
    const visitor = `visitor-${v}`;
    const user = o.userOf?.(v);
    if (user) out.userOf.set(visitor, user);
    for (let k = rng.int(1, o.maxSessions); k > 0; k--) {
      const start = o.start - o.daysBefore * DAY + rng.int(0, o.spanDays * DAY);
      const s: JourneySession = {
        visitor,
        id: `s-${v}-${k}`,
        start,
        touch: rng.pick(o.touches),
        pages: Array.from({ length: rng.int(1, 3) }, () => rng.pick(PAGES)),
        country: rng.pick(COUNTRIES),
        browser: rng.pick(BROWSERS),
      };
      out.sessions.push(s);
      out.events.push(...sessionEvents(o.siteId, s, user ?? ''));
    }
    if (!o.pays(v)) continue;
    for (let k = rng.int(1, 2); k > 0; k--)
      out.payments.push({
        key: `pay-${v}-${k}`,
        visitor,
        ts: o.start + rng.int(0, 31 * DAY - 1),
        amount: rng.int(99, 250_000),
        currency: v % 11 === 0 ? 'EUR' : v % 17 === 0 ? 'GBP' : 'USD',
        kind: 'payment',
      });
  }
  // An unattributed payment and a refund of an attributed one.
  out.payments.push({ key: 'pay-anon', visitor: '', ts: o.start + 3 * DAY, amount: 12_345, currency: 'USD', kind: 'payment' });
  const refunded = out.payments.find((p) => p.currency === 'USD' && p.visitor)!;
  out.payments.push({
    key: `rf:${refunded.key}`,
    visitor: refunded.visitor,
    ts: refunded.ts + DAY,
    amount: -Math.floor(refunded.amount / 3),
    currency: 'USD',
    kind: 'refund',
  });
  return out;
}

/** A session's page views, one a minute, with its entry attributes. */
export function sessionEvents(siteId: string, s: JourneySession, userId = ''): CanonicalEvent[] {
  return s.pages.map((path, i) =>
    makeEvent({
      site_id: siteId,
      event_id: uuidv7(s.start + i * 60_000),
      ts: s.start + i * 60_000,
      visitor_id: s.visitor,
      session_id: s.id,
      user_id: userId,
      path,
      channel: s.touch.channel,
      source: s.touch.source,
      utm_source: s.touch.medium ? s.touch.source : '',
      utm_medium: s.touch.medium,
      utm_campaign: s.touch.campaign,
      country: s.country,
      browser: s.browser,
    }),
  );
}

/** The payments as `transactions` rows, counted, as folded Stripe payments. */
export function transactionRows(siteId: string, payments: readonly JourneyPayment[]): SideRow[] {
  return payments.map((p) => ({
    site_id: siteId,
    txn_key: p.key,
    kind: p.kind,
    status: 'counted',
    source: 'stripe',
    ts: p.ts,
    amount: p.amount,
    currency: p.currency,
    visitor_id: p.visitor,
    version: 1,
  }));
}

/** A payment's amount in USD minor units (EUR at 1.25); GBP has no rate. */
export const usdOf = (p: JourneyPayment) => (p.currency === 'EUR' ? Math.round((p.amount / 100) * 1.25 * 100) : p.amount);

// --- the independent computation -------------------------------------------------------------

/** The touchpoints of a payment: sessions of `visitors` in the lookback window (up to 999 ms after), oldest first. */
export function touchesOf(sessions: readonly JourneySession[], visitors: ReadonlySet<string>, paidAt: number, lookbackDays = 30) {
  return sessions
    .filter((s) => visitors.has(s.visitor) && s.start <= paidAt + 999 && s.start >= paidAt - lookbackDays * DAY)
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
}

/** Each model's share of one payment among its touches (oldest first), as the docs state them. */
export function shares(model: AttributionModelName, touches: readonly JourneySession[], paidAt: number, halfLifeDays = 7): number[] {
  const n = touches.length;
  if (model === 'first_touch') return touches.map((_, i) => (i === 0 ? 1 : 0));
  if (model === 'last_touch') {
    const nonDirect = touches.map((t, i) => (t.touch.channel === 'Direct' ? -1 : i)).filter((i) => i >= 0);
    const pick = nonDirect.length ? nonDirect[nonDirect.length - 1]! : n - 1;
    return touches.map((_, i) => (i === pick ? 1 : 0));
  }
  if (model === 'linear') return touches.map(() => 1 / n);
  if (model === 'time_decay') {
    const w = touches.map((t) => 0.5 ** ((paidAt - t.start) / (halfLifeDays * DAY)));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  }
  if (n === 1) return [1];
  if (n === 2) return [0.5, 0.5];
  return touches.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
}

/** Whole minor units: floors, then one more each to the largest remainders (earlier on ties). */
export function largestRemainder(amount: number, s: number[]): number[] {
  const abs = Math.abs(amount);
  const raw = s.map((x) => abs * x);
  const floors = raw.map((x) => Math.floor(x + 1e-9));
  let rest = abs - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((x, i) => ({ i, frac: x - Math.floor(x + 1e-9) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const o of order) {
    if (rest <= 0) break;
    floors[o.i]! += 1;
    rest--;
  }
  return floors.map((x) => (amount < 0 ? -x : x));
}

/** Revenue per `source|medium` (USD minor units) of `payments` under `model`, each over its touches. */
export function revenueBySource(
  model: AttributionModelName,
  payments: ReadonlyArray<{ amount: number; ts: number; touches: readonly JourneySession[] }>,
): Record<string, number> {
  const out = new Map<string, number>();
  const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  for (const p of payments) {
    if (!p.touches.length) add('(unattributed)|', p.amount);
    else
      largestRemainder(p.amount, shares(model, p.touches, p.ts)).forEach((c, i) => {
        if (c !== 0) add(`${p.touches[i]!.touch.source}|${p.touches[i]!.touch.medium}`, c);
      });
  }
  return Object.fromEntries([...out].filter(([, v]) => v !== 0).sort());
}
