import { describe, expect, it } from 'vitest';
import { betaSample, gammaSample, Prng } from '@tidemark/testkit';
import { bgnbdLogLikelihood, expectedTransactions, fitBgNbd, pAlive, pReturnWithin, type BgNbdParams, type RepeatSummary } from './bgnbd';
import { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood, populationMeanSpend } from './gamma-gamma';
import { nelderMead } from './nelder-mead';
import { lgamma } from './special';

/** ₂F₁(a, b; c; z) by its series (|z| < 1). */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 5000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** The paper's closed form of E[Y(t) | x, tx, T] (its equation 10), valid for a > 1. */
function closedFormExpected(m: BgNbdParams, s: RepeatSummary, t: number): number {
  const { r, alpha, a, b } = m;
  const head = (a + b + s.x - 1) / (a - 1);
  const f = hyp2f1(r + s.x, b + s.x, a + b + s.x - 1, t / (alpha + s.T + t));
  const num = head * (1 - ((alpha + s.T) / (alpha + s.T + t)) ** (r + s.x) * f);
  const den = 1 + (s.x > 0 ? (a / (b + s.x - 1)) * ((alpha + s.T) / (alpha + s.tx)) ** (r + s.x) : 0);
  return num / den;
}

/** People of a known BG/NBD world, observed for T days each. */
function simulate(m: BgNbdParams, n: number, seed: string): RepeatSummary[] {
  const rng = new Prng(seed);
  const out: RepeatSummary[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gammaSample(rng, m.r, m.alpha);
    const p = betaSample(rng, m.a, m.b);
    const T = 30 + rng.next() * 300;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - rng.next()) / lambda;
      if (t > T) break;
      x += 1;
      tx = t;
      if (rng.chance(p)) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}

describe('lifetime models', () => {
  it('computes ln Γ to 12 digits', () => {
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lgamma(1)).toBeCloseTo(0, 12);
    expect(lgamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    // Large x against Stirling's series, and the recurrence Γ(x+1) = xΓ(x).
    const x = 150.5;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
    expect(lgamma(x)).toBeCloseTo(stirling, 9);
    expect(lgamma(3.7) - lgamma(2.7)).toBeCloseTo(Math.log(2.7), 12);
  });

  it('minimises a curved valley (Rosenbrock)', () => {
    const r = nelderMead((v) => (1 - v[0]!) ** 2 + 100 * (v[1]! - v[0]! ** 2) ** 2, [-1.2, 1], { maxIterations: 5000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it("gives BG/NBD's likelihood in closed form for zero and one repeat transaction", () => {
    const m = { r: 0.8, alpha: 4, a: 0.9, b: 2.5 };
    // x = 0: (α/(α+T))^r.
    expect(bgnbdLogLikelihood(m, { x: 0, tx: 0, T: 20 })).toBeCloseTo(m.r * Math.log(m.alpha / (m.alpha + 20)), 12);
    // x = 1: b/(a+b) · r α^r/(α+T)^{r+1} + a/(a+b) · r α^r/(α+tx)^{r+1}.
    const { r, alpha, a, b } = m;
    const want = (b / (a + b)) * ((r * alpha ** r) / (alpha + 20) ** (r + 1)) + (a / (a + b)) * ((r * alpha ** r) / (alpha + 7) ** (r + 1));
    expect(bgnbdLogLikelihood(m, { x: 1, tx: 7, T: 20 })).toBeCloseTo(Math.log(want), 12);
    expect(pAlive(m, { x: 0, tx: 0, T: 50 })).toBe(1);
  });

  it('recovers known BG/NBD parameters from simulated customers', () => {
    const truth = { r: 2, alpha: 12, a: 2.5, b: 16 };
    const fit = fitBgNbd(simulate(truth, 6000, 'bgnbd-recovery'));
    expect(fit.params.r).toBeGreaterThan(truth.r * 0.8);
    expect(fit.params.r).toBeLessThan(truth.r * 1.25);
    expect(fit.params.alpha).toBeGreaterThan(truth.alpha * 0.75);
    expect(fit.params.alpha).toBeLessThan(truth.alpha * 1.33);
    // The dropout mean a/(a+b) is what the data pin down best; a and b separately less so.
    const mean = (m: typeof truth) => m.a / (m.a + m.b);
    expect(mean(fit.params)).toBeGreaterThan(mean(truth) * 0.8);
    expect(mean(fit.params)).toBeLessThan(mean(truth) * 1.25);
  });

  it("expects the closed form's transactions (₂F₁), and P(return) within 30 days from its definition", () => {
    for (const m of [
      { r: 2.2, alpha: 11, a: 2.4, b: 15 },
      { r: 2.7, alpha: 20, a: 8.4, b: 58 },
      { r: 0.5, alpha: 3, a: 0.6, b: 0.9 },
      // Next to no spread of the dropout chance: a narrow Beta.
      { r: 1.7, alpha: 12, a: 669469, b: 9482556 },
    ])
      for (const s of [
        { x: 0, tx: 0, T: 40 },
        { x: 3, tx: 20, T: 90 },
        { x: 14, tx: 150, T: 160 },
        { x: 5, tx: 30, T: 200 },
      ]) {
        const [e30, e365] = expectedTransactions(m, s, [30, 365]);
        expect(e30! / closedFormExpected(m, s, 30)).toBeCloseTo(1, 4);
        expect(e365! / closedFormExpected(m, s, 365)).toBeCloseTo(1, 4);
        // P(≥ 1 in 30 days) ≤ E[count in 30 days], and both grow with the horizon.
        expect(pReturnWithin(m, s, 30)).toBeLessThanOrEqual(e30! + 1e-12);
        expect(pReturnWithin(m, s, 60)).toBeGreaterThan(pReturnWithin(m, s, 30));
      }
    // Silence lowers P(alive) for a frequent buyer.
    const m = { r: 2.2, alpha: 11, a: 2.4, b: 15 };
    expect(pAlive(m, { x: 14, tx: 150, T: 200 })).toBeLessThan(pAlive(m, { x: 14, tx: 150, T: 160 }));
  });

  it('recovers known Gamma-Gamma parameters and shrinks a mean spend toward the population', () => {
    const truth = { p: 5, q: 4, gamma: 60 };
    const rng = new Prng('gg-recovery');
    const people = Array.from({ length: 5000 }, () => {
      const nu = gammaSample(rng, truth.q, truth.gamma);
      const n = 1 + Math.floor(rng.next() * 8);
      let s = 0;
      for (let k = 0; k < n; k++) s += gammaSample(rng, truth.p, nu);
      return { n, mean: s / n };
    });
    const fit = fitGammaGamma(people);
    const pop = populationMeanSpend(fit.params)!;
    expect(pop / populationMeanSpend(truth)!).toBeGreaterThan(0.9);
    expect(pop / populationMeanSpend(truth)!).toBeLessThan(1.1);
    expect(fit.params.p).toBeGreaterThan(truth.p * 0.7);
    expect(fit.params.p).toBeLessThan(truth.p * 1.4);
    // Weighted between the population's mean and the person's own.
    const e = expectedSpend(fit.params, { n: 2, mean: 400 });
    expect(e).toBeGreaterThan(pop);
    expect(e).toBeLessThan(400);
    expect(Number.isFinite(gammaGammaLogLikelihood(fit.params, { n: 2, mean: 400 }))).toBe(true);
  });
});
