import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Prng } from './prng';

/**
 * Customers for the churn and lifetime-value models: identified people who come back and buy, drawn
 * from the BG/NBD and Gamma-Gamma worlds (a Poisson rate of visits per person, a dropout chance after
 * each purchase, a spend level per person). Each person's hidden truth — whether and when they left,
 * their lapse date — is returned beside the events for the tests only; nothing of it is in the events.
 */
const DAY = 86_400_000;
/** A person has lapsed after this many days without activity (the models' lapse window). */
export const LIFETIME_LAPSE_DAYS = 30;

export interface LifetimeOptions {
  seed: string;
  siteId: string;
  nowMs: number;
  /** Identified customers (default 600). */
  people?: number;
  /** Anonymous repeat visitors, never identified (default 40): not eligible for the models. */
  anonymous?: number;
  /** Days of history before now (default 300). */
  historyDays?: number;
  /** Days simulated after now (default 0): kept apart as the truth of what comes next, never in the events. */
  futureDays?: number;
}

export interface LifetimePayment {
  key: string;
  visitorId: string;
  ts: number;
  /** Minor units (cents). */
  amount: number;
}

export interface LifetimeTruth {
  userId: string;
  /** Visit times (ms) before now, oldest first; purchase visits among them. */
  visits: number[];
  purchases: LifetimePayment[];
  /** Purchases in the simulated future (after now): not in the events. */
  futurePurchases: LifetimePayment[];
  /** Left for good (the dropout happened) before now. */
  churned: boolean;
  /** For a churner: the last visit plus the lapse window (may lie after now); null otherwise. */
  lapseAt: number | null;
  /** Hidden rates: visits per day, dropout chance after a purchase, mean purchase value (minor units). */
  visitRate: number;
  dropout: number;
  meanSpend: number;
}

export interface LifetimeWorld {
  events: CanonicalEvent[];
  payments: LifetimePayment[];
  people: LifetimeTruth[];
}

/** The generating parameters (the tests compare what the models recover with them). */
export const LIFETIME_WORLD = {
  /** Visits per day ~ Gamma(shape, rate). */
  visitShape: 1.5,
  visitRate: 8,
  /** A visit buys with this chance. */
  purchaseChance: 0.6,
  /** Dropout after a purchase ~ Beta(a, b). */
  dropoutA: 2.5,
  dropoutB: 18,
  /** Purchase values ~ Gamma(p, ν), ν ~ Gamma(q, γ) (γ in 1/minor units). */
  spendP: 5,
  spendQ: 4,
  spendGamma: 6000,
} as const;

/** Gamma(shape, rate) by Marsaglia and Tsang's method. */
export function gammaSample(rng: Prng, shape: number, rate: number): number {
  if (shape < 1) return gammaSample(rng, shape + 1, rate) * rng.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function betaSample(rng: Prng, a: number, b: number): number {
  const x = gammaSample(rng, a, 1);
  return x / (x + gammaSample(rng, b, 1));
}

let counter = 0;
function event(site: string, visitor: string, user: string, ts: number, name: string, path: string): CanonicalEvent {
  counter += 1;
  const e = emptyEvent({
    event_id: `00000000-0000-4000-c000-${String(counter).padStart(12, '0')}`,
    site_id: site,
    ts,
    received_at: ts,
    name,
  });
  e.visitor_id = visitor;
  e.session_id = `${visitor}-${Math.floor(ts / 3_600_000)}`;
  e.user_id = user;
  e.path = path;
  e.host = 'shop.example';
  e.url = `https://shop.example${path}`;
  return e;
}

export function generateLifetimeWorld(o: LifetimeOptions): LifetimeWorld {
  const rng = new Prng(o.seed);
  const w = LIFETIME_WORLD;
  const start = o.nowMs - (o.historyDays ?? 300) * DAY;
  const events: CanonicalEvent[] = [];
  const payments: LifetimePayment[] = [];
  const people: LifetimeTruth[] = [];
  for (let i = 0; i < (o.people ?? 600); i++) {
    const userId = `${o.seed}-customer-${i}`;
    const devices = [`${o.seed}-v${i}a`, `${o.seed}-v${i}b`];
    const visitRate = gammaSample(rng, w.visitShape, w.visitRate);
    const dropout = betaSample(rng, w.dropoutA, w.dropoutB);
    const nu = gammaSample(rng, w.spendQ, w.spendGamma);
    const truth: LifetimeTruth = {
      userId,
      visits: [],
      purchases: [],
      futurePurchases: [],
      churned: false,
      lapseAt: null,
      visitRate,
      dropout,
      meanSpend: w.spendP / nu,
    };
    // The first visit (a purchase) somewhere in the history's first 85 %, at a daytime hour.
    let t = start + Math.floor(rng.next() * 0.85 * (o.nowMs - start));
    let first = true;
    const end = o.nowMs + (o.futureDays ?? 0) * DAY;
    while (t < end) {
      const visitor = devices[rng.chance(0.8) ? 0 : 1]!;
      const buys = first || rng.chance(w.purchaseChance);
      const past = t + 120_000 < o.nowMs;
      if (past) {
        truth.visits.push(t);
        // Anonymous browsing first, then the sign-in (identify) carries the user id on the visitor id.
        events.push(event(o.siteId, visitor, '', t, 'page_view', '/'));
        events.push(event(o.siteId, visitor, userId, t + 20_000, 'identify', '/login'));
        events.push(event(o.siteId, visitor, userId, t + 60_000, 'page_view', '/shop'));
      }
      if (buys) {
        const amount = Math.max(1, Math.round(gammaSample(rng, w.spendP, nu)));
        const p = {
          key: `${userId}-p${truth.purchases.length + truth.futurePurchases.length}`,
          visitorId: visitor,
          ts: t + 120_000,
          amount,
        };
        if (past) {
          truth.purchases.push(p);
          payments.push(p);
          events.push(event(o.siteId, visitor, userId, t + 120_000, 'purchase', '/checkout'));
        } else truth.futurePurchases.push(p);
        if (!first && rng.chance(dropout)) {
          if (past) {
            truth.churned = true;
            truth.lapseAt = t + 120_000 + LIFETIME_LAPSE_DAYS * DAY;
          }
          break;
        }
      }
      first = false;
      t += Math.max(3_600_000, Math.floor((-Math.log(1 - rng.next()) / visitRate) * DAY));
    }
    people.push(truth);
  }
  for (let i = 0; i < (o.anonymous ?? 40); i++) {
    const visitor = `${o.seed}-anon-${i}`;
    for (let k = 0; k < 3 + (i % 5); k++)
      events.push(event(o.siteId, visitor, '', start + (i * 7 + k * 11) * DAY + 3_600_000, 'page_view', '/'));
  }
  return { events, payments, people };
}
