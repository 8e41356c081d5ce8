import { minimizeWithRestarts } from './nelder-mead';
import { lbeta, lgamma, unitNodes } from './special';

/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a person makes
 * repeat transactions at a Poisson rate λ ~ Gamma(r, α); after each transaction they drop out for good
 * with probability p ~ Beta(a, b). Time is in days; a person is summarised by x (repeat transactions),
 * tx (time of the last one after the first) and T (time from the first to the end of observation).
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface RepeatSummary {
  x: number;
  tx: number;
  T: number;
}

/** ln of one person's likelihood (the paper's equation 6). */
export function bgnbdLogLikelihood(m: BgNbdParams, s: RepeatSummary): number {
  const { r, alpha, a, b } = m;
  const common = lgamma(r + s.x) - lgamma(r) + r * Math.log(alpha) + lbeta(a, b + s.x) - lbeta(a, b);
  const alive = -(r + s.x) * Math.log(alpha + s.T);
  if (s.x === 0) return common + alive;
  // The second term: dropped out right after the last transaction (relative to the first term's beta factor).
  const dropped = Math.log(a) - Math.log(b + s.x - 1) - (r + s.x) * Math.log(alpha + s.tx);
  const hi = Math.max(alive, dropped);
  return common + hi + Math.log(Math.exp(alive - hi) + Math.exp(dropped - hi));
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  converged: boolean;
}

/** Maximum-likelihood fit by Nelder–Mead on the parameters' logarithms. */
export function fitBgNbd(people: readonly RepeatSummary[]): BgNbdFit {
  const toParams = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const negLL = (v: number[]) => {
    if (v.some((x) => Math.abs(x) > 30)) return Number.POSITIVE_INFINITY;
    const m = toParams(v);
    let s = 0;
    for (const p of people) s += bgnbdLogLikelihood(m, p);
    return -s;
  };
  const meanT = people.reduce((a, p) => a + p.T, 0) / Math.max(1, people.length);
  const meanX = people.reduce((a, p) => a + p.x, 0) / Math.max(1, people.length);
  const start = [0, Math.log(Math.max(1, meanT / Math.max(0.1, meanX))), 0, Math.log(3)];
  const r = minimizeWithRestarts(negLL, start);
  return { params: toParams(r.x), logLikelihood: -r.value, converged: r.converged };
}

/** P(alive at T | x, tx, T): the paper's equation 13. */
export function pAlive(m: BgNbdParams, s: RepeatSummary): number {
  if (s.x === 0) return 1;
  const odds = Math.exp(Math.log(m.a) - Math.log(m.b + s.x - 1) + (m.r + s.x) * (Math.log(m.alpha + s.T) - Math.log(m.alpha + s.tx)));
  return 1 / (1 + odds);
}

/**
 * P(at least one transaction in (T, T + t]): alive, the next transaction comes at rate λ with no dropout
 * before it, and λ | data ~ Gamma(r + x, α + T).
 */
export function pReturnWithin(m: BgNbdParams, s: RepeatSummary, t: number): number {
  const A = m.alpha + s.T;
  return pAlive(m, s) * (1 - Math.exp((m.r + s.x) * Math.log(A / (A + t))));
}

/**
 * Expected transactions in (T, T + t] for each horizon t: P(alive) × E over the posterior of the alive
 * (p ~ Beta(a, b + x), λ ~ Gamma(r + x, α + T), independent) of (1 − E[e^{−λ p t}]) / p. The integral over p
 * is taken numerically (betaNodes), so it holds for any a > 0 — the closed form with ₂F₁ needs a > 1 (the
 * tests check the two agree).
 */
export function expectedTransactions(m: BgNbdParams, s: RepeatSummary, horizons: readonly number[]): number[] {
  const A = m.alpha + s.T;
  const R = m.r + s.x;
  const bx = m.b + s.x;
  const sums = horizons.map(() => 0);
  for (const { p, weight } of betaNodes(m.a, bx)) {
    for (let h = 0; h < horizons.length; h++) {
      const pt = p * horizons[h]!;
      // (1 − (A/(A+pt))^R)/p, with its limit R t / A as p → 0.
      const g = pt < 1e-9 * A ? (R * horizons[h]!) / A : -Math.expm1(-R * Math.log1p(pt / A)) / p;
      sums[h]! += weight * g;
    }
  }
  const alive = pAlive(m, s);
  return sums.map((v) => alive * v);
}

/**
 * Quadrature nodes p and weights for E[f(p)], p ~ Beta(a, b): panels around the mean (doubling outward, and
 * in steps of the standard deviation, for a narrow posterior) and near 1. With a < 1 the density's p^{a−1}
 * is absorbed by integrating over u = p^a instead.
 */
function betaNodes(a: number, b: number): Array<{ p: number; weight: number }> {
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const breaks = new Set([0, 1]);
  for (let j = -14; j <= 10; j++) breaks.add(mean * 2 ** (j / 2));
  for (let k = -12; k <= 12; k++) breaks.add(mean + k * sd);
  // Near 1 too: with b < 1 the weight (1 − p)^{b−1} is unbounded there.
  for (const q of [0.9, 0.99, 0.999, 0.9999, 0.99999]) breaks.add(q);
  const ps = [...breaks].filter((p) => p >= 0 && p <= 1).sort((x, y) => x - y);
  const lb = lbeta(a, b);
  const out: Array<{ p: number; weight: number }> = [];
  if (a < 1) {
    const { u, w } = unitNodes(ps.map((p) => p ** a));
    for (let i = 0; i < u.length; i++) {
      const p = u[i]! ** (1 / a);
      const weight = w[i]! * Math.exp((b - 1) * Math.log1p(-p) - Math.log(a) - lb);
      if (weight > 0) out.push({ p, weight });
    }
  } else {
    const { u, w } = unitNodes(ps);
    for (let i = 0; i < u.length; i++) {
      const p = u[i]!;
      const weight = w[i]! * Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - lb);
      if (weight > 0) out.push({ p, weight });
    }
  }
  return out;
}
