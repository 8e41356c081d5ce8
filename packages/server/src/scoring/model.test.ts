import { describe, expect, it } from 'vitest';
import { fitLogistic, solve, standardise, standardiser } from './logistic';
import { auc, bestF1Threshold, calibrationBins, precisionRecall } from './metrics';

const logit = (p: number) => Math.log(p / (1 - p));

/** A deterministic pseudo-random sequence (mulberry32), so the cases are the same on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('logistic regression (own Newton fit)', () => {
  it('solves a linear system', () => {
    const x = solve(
      [
        [4, 1, 0],
        [1, 3, 1],
        [0, 1, 2],
      ],
      [1, 2, 3],
    );
    // Back-substituted by hand: A·x = b.
    expect(4 * x[0]! + x[1]!).toBeCloseTo(1, 12);
    expect(x[0]! + 3 * x[1]! + x[2]!).toBeCloseTo(2, 12);
    expect(x[1]! + 2 * x[2]!).toBeCloseTo(3, 12);
  });

  it('meets the closed form of one binary input: the log-odds of each group', () => {
    // x = 0: 3 of 10 convert; x = 1: 7 of 8. Unpenalised, the fit is saturated.
    const xs = [...Array(10).fill(0), ...Array(8).fill(1)].map((v) => [v]);
    const ys = [...Array(3).fill(1), ...Array(7).fill(0), ...Array(7).fill(1), 0];
    const fit = fitLogistic(xs, ys, Array(18).fill(1), { l2: 0 });
    expect(fit.intercept).toBeCloseTo(logit(3 / 10), 8);
    expect(fit.intercept + fit.coef[0]!).toBeCloseTo(logit(7 / 8), 8);
  });

  it('with weights, fits the weighted log-odds (class weights shift the intercept by log(w₊/w₋))', () => {
    const xs = [...Array(10).fill(0), ...Array(8).fill(1)].map((v) => [v]);
    const ys = [...Array(3).fill(1), ...Array(7).fill(0), ...Array(7).fill(1), 0];
    const w = ys.map((y) => (y ? 2 : 0.5));
    const fit = fitLogistic(xs, ys, w, { l2: 0 });
    expect(fit.intercept).toBeCloseTo(logit(3 / 10) + Math.log(4), 8);
    expect(fit.intercept + fit.coef[0]!).toBeCloseTo(logit(7 / 8) + Math.log(4), 8);
  });

  it('shrinks coefficients with the L2 penalty, and recovers a generating model from many samples', () => {
    const r = rng(7);
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = r() * 2 - 1;
      const b = r() * 2 - 1;
      xs.push([a, b]);
      ys.push(r() < 1 / (1 + Math.exp(-(-0.5 + 2 * a - 1 * b))) ? 1 : 0);
    }
    const fit = fitLogistic(xs, ys, Array(xs.length).fill(1), { l2: 0 });
    expect(fit.intercept).toBeCloseTo(-0.5, 1);
    expect(fit.coef[0]).toBeCloseTo(2, 1);
    expect(fit.coef[1]).toBeCloseTo(-1, 1);
    const shrunk = fitLogistic(xs, ys, Array(xs.length).fill(1), { l2: 5000 });
    expect(Math.abs(shrunk.coef[0]!)).toBeLessThan(Math.abs(fit.coef[0]!));
  });

  it('standardises to mean 0 and deviation 1, leaving a constant input at 0', () => {
    const s = standardiser([
      [1, 5],
      [3, 5],
    ]);
    expect(standardise(s, [1, 5])).toEqual([-1, 0]);
    expect(standardise(s, [3, 5])).toEqual([1, 0]);
  });
});

describe('held-out metrics', () => {
  it('AUC equals the share of (positive, negative) pairs ordered right, ties half', () => {
    const r = rng(3);
    const scores = Array.from({ length: 300 }, () => Math.floor(r() * 20));
    const labels = scores.map((s) => r() < s / 25);
    let pairs = 0;
    let right = 0;
    scores.forEach((s, i) => {
      if (!labels[i]) return;
      scores.forEach((t, j) => {
        if (labels[j]) return;
        pairs++;
        right += s > t ? 1 : s === t ? 0.5 : 0;
      });
    });
    expect(auc(scores, labels)).toBeCloseTo(right / pairs, 12);
    expect(auc([1, 2], [true, true])).toBeNaN();
  });

  it('precision and recall at a threshold, the best-F1 threshold, calibration bins', () => {
    const scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1];
    const labels = [true, true, false, true, false, false];
    expect(precisionRecall(scores, labels, 0.7)).toEqual({ precision: 2 / 3, recall: 2 / 3 });
    // F1 at 0.8: 2·2/(2+3) = 0.8; at 0.4: 2·3/(4+3) ≈ 0.857; at 0.9: 0.5.
    expect(bestF1Threshold(scores, labels)).toBe(0.4);
    const bins = calibrationBins(scores, labels, 2);
    expect(bins).toEqual([
      { from: 0, to: 0.5, count: 3, predicted: (0.4 + 0.3 + 0.1) / 3, observed: 1 / 3 },
      { from: 0.5, to: 1, count: 3, predicted: (0.9 + 0.8 + 0.7) / 3, observed: 2 / 3 },
    ]);
  });
});
