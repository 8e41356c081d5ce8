import { describe, expect, it } from 'vitest';
import { Prng } from '@tidemark/testkit';
import {
  alwaysValidPValue,
  chiSquareSurvival,
  normalCdf,
  probabilityToBeat,
  relativeUplift,
  revenueComparison,
  sampleRatioMismatch,
  twoProportionPValue,
} from './statistics';

// Reference values are computed here by other means: numerical integration (Simpson's rule) of densities
// written out in full, closed forms of special cases, and simulation.

/** Simpson's rule over [a, b] with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20_000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
  return (s * h) / 3;
}
const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
/** Upper normal tail by integrating the density out to 40 sd. */
const upperTail = (z: number) => simpson(phi, z, z + 40, 200_000);

describe('normal and chi-square distributions', () => {
  it('the normal CDF matches the integrated density', () => {
    for (const z of [-3, -1.5, -0.2, 0, 0.7, 1.959963984540054, 2.5, 4])
      expect(normalCdf(z)).toBeCloseTo(z >= 0 ? 1 - upperTail(z) : upperTail(-z), 6);
  });

  it('chi-square tails match their closed forms for 1, 2 and 3 degrees of freedom', () => {
    for (const x of [0.1, 1, 3.84, 7.5, 15]) {
      expect(chiSquareSurvival(x, 1)).toBeCloseTo(2 * upperTail(Math.sqrt(x)), 6);
      expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 10);
      expect(chiSquareSurvival(x, 3)).toBeCloseTo(2 * upperTail(Math.sqrt(x)) + Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2), 6);
    }
    // Large df: the Wilson–Hilferty cube-root approximation is good to about 3 decimals here.
    const df = 40;
    const x = 55;
    const z = ((x / df) ** (1 / 3) - (1 - 2 / (9 * df))) / Math.sqrt(2 / (9 * df));
    expect(chiSquareSurvival(x, df)).toBeCloseTo(upperTail(z), 3);
  });
});

describe('two-proportion z-test', () => {
  it('equals the normal tail of the pooled z statistic', () => {
    for (const [c1, n1, c2, n2] of [
      [200, 1000, 240, 1000],
      [31, 512, 30, 498],
      [5, 80, 17, 95],
    ] as const) {
      const pooled = (c1 + c2) / (n1 + n2);
      const z = Math.abs(c2 / n2 - c1 / n1) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
      expect(twoProportionPValue(c1, n1, c2, n2)).toBeCloseTo(2 * upperTail(z), 6);
    }
  });
  it('has no value without people or without variation', () => {
    expect(twoProportionPValue(0, 0, 1, 10)).toBeNull();
    expect(twoProportionPValue(0, 10, 0, 10)).toBeNull();
  });
});

describe('relative uplift', () => {
  it('is the ratio of rates minus one, its interval symmetric on the log scale around it', () => {
    const r = relativeUplift(200, 1000, 240, 1000)!;
    expect(r.uplift).toBeCloseTo(0.2, 12);
    // The variance of log(p2/p1) as 1/c − 1/n per group (algebraically the same as (1 − p)/c).
    const se = Math.sqrt(1 / 200 - 1 / 1000 + 1 / 240 - 1 / 1000);
    expect(Math.log(1 + r.high) - Math.log(1.2)).toBeCloseTo(1.959963984540054 * se, 10);
    expect(Math.log(1.2) - Math.log(1 + r.low)).toBeCloseTo(1.959963984540054 * se, 10);
    // The 95 % interval excludes 0 exactly when the z-test on the log ratio is below 0.05.
    expect(r.low > 0).toBe(2 * upperTail(Math.log(1.2) / se) < 0.05);
    expect(relativeUplift(0, 100, 5, 100)).toBeNull();
  });
});

/** P(B > A) for Beta posteriors, both densities normalised numerically on a grid around their mass. */
function betaBeatsByIntegration(c1: number, n1: number, c2: number, n2: number): number {
  const [a1, b1, a2, b2] = [1 + c1, 1 + n1 - c1, 1 + c2, 1 + n2 - c2];
  const mean = (a: number, b: number) => a / (a + b);
  const sd = (a: number, b: number) => Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const lo = Math.max(1e-12, Math.min(mean(a1, b1) - 12 * sd(a1, b1), mean(a2, b2) - 12 * sd(a2, b2)));
  const hi = Math.min(1 - 1e-12, Math.max(mean(a1, b1) + 12 * sd(a1, b1), mean(a2, b2) + 12 * sd(a2, b2)));
  const n = 200_000;
  const h = (hi - lo) / n;
  const logPdf = (a: number, b: number) => (x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x);
  const grid = (a: number, b: number) => {
    const f = logPdf(a, b);
    const top = f(Math.min(hi, Math.max(lo, (a - 1) / (a + b - 2))));
    const w = Array.from({ length: n + 1 }, (_, i) => Math.exp(f(lo + i * h) - top));
    const total = w.reduce((s, v) => s + v, 0);
    return w.map((v) => v / total);
  };
  const pa = grid(a1, b1);
  const pb = grid(a2, b2);
  // Sum over B's grid of P(A < x): A's mass below, half of A's mass at the same point.
  let below = 0;
  let p = 0;
  for (let i = 0; i <= n; i++) {
    p += pb[i]! * (below + pa[i]! / 2);
    below += pa[i]!;
  }
  return p;
}

describe('probability to beat control', () => {
  it('matches integration of the Beta posteriors (exact sum)', () => {
    for (const [c1, n1, c2, n2] of [
      [20, 100, 28, 100],
      [200, 1000, 240, 1000],
      [3, 40, 1, 35],
      [0, 10, 0, 10],
    ] as const)
      expect(probabilityToBeat(c1, n1, c2, n2)).toBeCloseTo(betaBeatsByIntegration(c1, n1, c2, n2), 4);
  });
  it('matches integration of the Beta posteriors (normal approximation beyond 20,000 converters)', () => {
    expect(probabilityToBeat(21_000, 100_000, 21_300, 100_000)).toBeCloseTo(betaBeatsByIntegration(21_000, 100_000, 21_300, 100_000), 3);
  });
});

describe('sample-ratio mismatch', () => {
  it('is Pearson chi-square against the weights', () => {
    const r = sampleRatioMismatch([480, 520], [1, 1]);
    expect(r.chi_square).toBeCloseTo((20 * 20) / 500 + (20 * 20) / 500, 12);
    expect(r.p_value).toBeCloseTo(2 * upperTail(Math.sqrt(r.chi_square)), 6);
    const three = sampleRatioMismatch([260, 490, 250], [1, 2, 1]);
    expect(three.chi_square).toBeCloseTo(100 / 250 + 100 / 500 + 0, 12);
    expect(three.p_value).toBeCloseTo(Math.exp(-three.chi_square / 2), 10);
    expect(sampleRatioMismatch([0, 0], [1, 1]).p_value).toBe(1);
  });
});

describe('always-valid p-value (mixture SPRT)', () => {
  it('is 1 / the likelihood ratio integrated over the normal mixture', () => {
    const [c1, n1, c2, n2] = [180, 1000, 230, 1000];
    const p1 = c1 / n1;
    const p2 = c2 / n2;
    const v = (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2;
    const tau = 0.02;
    const theta = p2 - p1;
    const lr = (t: number) => Math.exp((-(theta - t) * (theta - t) + theta * theta) / (2 * v));
    const prior = (t: number) => Math.exp(-(t * t) / (2 * tau * tau)) / (tau * Math.sqrt(2 * Math.PI));
    const lambda = simpson((t) => lr(t) * prior(t), -12 * tau, 12 * tau, 200_000);
    expect(alwaysValidPValue(c1, n1, c2, n2, tau)).toBeCloseTo(Math.min(1, 1 / lambda), 8);
  });

  it('keeps the false-positive rate under 5 % when an A/A test is looked at 20 times, where the z-test does not', () => {
    const rng = new Prng('always-valid');
    const runs = 400;
    let naive = 0;
    let valid = 0;
    for (let r = 0; r < runs; r++) {
      let [c1, c2, n] = [0, 0, 0];
      let naiveHit = false;
      let validHit = false;
      for (let look = 0; look < 20; look++) {
        for (let i = 0; i < 250; i++) {
          c1 += rng.next() < 0.1 ? 1 : 0;
          c2 += rng.next() < 0.1 ? 1 : 0;
        }
        n += 250;
        naiveHit ||= (twoProportionPValue(c1, n, c2, n) ?? 1) < 0.05;
        validHit ||= (alwaysValidPValue(c1, n, c2, n) ?? 1) < 0.05;
      }
      naive += naiveHit ? 1 : 0;
      valid += validHit ? 1 : 0;
    }
    expect(valid / runs).toBeLessThan(0.05);
    expect(naive / runs).toBeGreaterThan(0.1);
  });
});

describe('revenue per person', () => {
  it('compares the means of the raw amounts: ratio, log-scale interval by the delta method, Welch z p-value', () => {
    const rng = new Prng('revenue');
    // Most people spend nothing; some spend 10–200.
    const amounts = (n: number, share: number) =>
      Array.from({ length: n }, () => (rng.next() < share ? 10 + Math.floor(rng.next() * 190) : 0));
    const a = amounts(800, 0.1);
    const b = amounts(900, 0.13);
    const sum = (x: number[]) => x.reduce((s, v) => s + v, 0);
    const sq = (x: number[]) => x.reduce((s, v) => s + v * v, 0);
    const mean = (x: number[]) => sum(x) / x.length;
    // Sample variance from deviations (two-pass), not from the sums of squares.
    const variance = (x: number[]) => x.reduce((s, v) => s + (v - mean(x)) ** 2, 0) / (x.length - 1);
    const got = revenueComparison(sum(a), sq(a), a.length, sum(b), sq(b), b.length)!;
    expect(got.uplift).toBeCloseTo(mean(b) / mean(a) - 1, 12);
    const seLog = Math.sqrt(variance(a) / (a.length * mean(a) ** 2) + variance(b) / (b.length * mean(b) ** 2));
    expect(Math.log(1 + got.high) - Math.log(1 + got.uplift)).toBeCloseTo(1.959963984540054 * seLog, 9);
    expect(Math.log(1 + got.uplift) - Math.log(1 + got.low)).toBeCloseTo(1.959963984540054 * seLog, 9);
    const z = Math.abs(mean(b) - mean(a)) / Math.sqrt(variance(a) / a.length + variance(b) / b.length);
    expect(got.p_value).toBeCloseTo(2 * upperTail(z), 6);
    expect(revenueComparison(0, 0, 10, 5, 25, 10)).toBeNull();
    expect(revenueComparison(5, 25, 1, 5, 25, 10)).toBeNull();
  });
});
