/**
 * The statistics of experiment results (docs/experiments.md), as small pure functions of counts.
 * Rates are proportions of people: `c` converters among `n` exposed.
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** Standard normal CDF, via erfc (W. J. Cody's rational approximations would be finer; this is < 1.2e-7 relative). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper regularized incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(lead);
  }
  // Lentz's method for the continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(lead) * h;
}

/** P(X ≥ x) for X ~ chi-square with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/** Two-sided p-value of the pooled two-proportion z-test; null when a group is empty or nothing varies. */
export function twoProportionPValue(c1: number, n1: number, c2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (c1 + c2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (c2 / n2 - c1 / n1) / se;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/**
 * Relative uplift of rate 2 over rate 1 (p2 / p1 − 1) with its 95 % interval, by the log of the ratio
 * (Katz): se(log RR) = sqrt((1 − p1)/c1 + (1 − p2)/c2). Null when either group has no converter.
 */
export function relativeUplift(c1: number, n1: number, c2: number, n2: number): { uplift: number; low: number; high: number } | null {
  if (c1 <= 0 || c2 <= 0 || n1 <= 0 || n2 <= 0) return null;
  const p1 = c1 / n1;
  const p2 = c2 / n2;
  const log = Math.log(p2 / p1);
  const se = Math.sqrt((1 - p1) / c1 + (1 - p2) / c2);
  return { uplift: p2 / p1 - 1, low: Math.exp(log - Z95 * se) - 1, high: Math.exp(log + Z95 * se) - 1 };
}

/** ln B(a, b). */
const logBeta = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);

/**
 * P(p2 > p1) with independent Beta(1 + c, 1 + n − c) posteriors (uniform priors). Exact sum (E. Miller's
 * closed form, over the treatment's successes) up to 20,000 terms; beyond, the normal approximation of
 * both posteriors, which is then accurate to far below the displayed precision.
 */
export function probabilityToBeat(c1: number, n1: number, c2: number, n2: number): number {
  const a1 = 1 + c1;
  const b1 = 1 + n1 - c1;
  const a2 = 1 + c2;
  const b2 = 1 + n2 - c2;
  if (a2 <= 20_000) {
    let total = 0;
    const base = logBeta(a1, b1);
    for (let i = 0; i < a2; i++) total += Math.exp(logBeta(a1 + i, b1 + b2) - Math.log(b2 + i) - logBeta(1 + i, b2) - base);
    return Math.min(1, Math.max(0, total));
  }
  const mean = (a: number, b: number) => a / (a + b);
  const variance = (a: number, b: number) => (a * b) / ((a + b) ** 2 * (a + b + 1));
  const z = (mean(a2, b2) - mean(a1, b1)) / Math.sqrt(variance(a1, b1) + variance(a2, b2));
  return normalCdf(z);
}

/** Sample-ratio check: Pearson's chi-square of observed counts against the shares of `weights`. */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): { chi_square: number; p_value: number } {
  const total = observed.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || observed.length < 2) return { chi_square: 0, p_value: 1 };
  let chi = 0;
  observed.forEach((o, i) => {
    const e = (total * weights[i]!) / weightSum;
    chi += ((o - e) * (o - e)) / e;
  });
  return { chi_square: chi, p_value: chiSquareSurvival(chi, observed.length - 1) };
}

/**
 * Always-valid p-value of the difference of two rates: the mixture sequential probability ratio test
 * (Johari, Pekelis, Walsh: "Always valid inference", 2017) on the normal approximation of the difference,
 * with a N(0, τ²) mixture over the true difference. Λ = sqrt(V / (V + τ²)) · exp(τ² θ² / (2 V (V + τ²)))
 * with θ the observed difference and V its variance; p = min(1, 1 / Λ). Its running minimum over looks is
 * what the paper calls the always-valid p-value; the value at one look is never below it, so reading it
 * at any time, as often as wanted, keeps the false-positive rate below the threshold.
 * τ defaults to 10 % of the pooled rate (the relative effect sizes experiments usually look for).
 */
export function alwaysValidPValue(c1: number, n1: number, c2: number, n2: number, tau?: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = c1 / n1;
  const p2 = c2 / n2;
  const v = (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2;
  const t = tau ?? 0.1 * ((c1 + c2) / (n1 + n2));
  if (!(v > 0) || !(t > 0)) return null;
  const t2 = t * t;
  const theta = p2 - p1;
  const logLambda = 0.5 * Math.log(v / (v + t2)) + (t2 * theta * theta) / (2 * v * (v + t2));
  return Math.min(1, Math.exp(-logLambda));
}

/**
 * Revenue per person of two groups from their sums and sums of squares (n people, s = Σx, q = Σx²):
 * the relative difference of the means (m2 / m1 − 1) with a 95 % interval by the delta method on the log of
 * the ratio (var ≈ v1 / (n1 m1²) + v2 / (n2 m2²), v the sample variances), and the two-sided p-value of
 * Welch's test in its large-sample (normal) form. Null when a group has fewer than two people or no revenue.
 */
export function revenueComparison(
  s1: number,
  q1: number,
  n1: number,
  s2: number,
  q2: number,
  n2: number,
): { uplift: number; low: number; high: number; p_value: number } | null {
  if (n1 < 2 || n2 < 2 || !(s1 > 0) || !(s2 > 0)) return null;
  const m1 = s1 / n1;
  const m2 = s2 / n2;
  const v1 = Math.max(0, (q1 - s1 * m1) / (n1 - 1));
  const v2 = Math.max(0, (q2 - s2 * m2) / (n2 - 1));
  const se = Math.sqrt(v1 / n1 + v2 / n2);
  const seLog = Math.sqrt(v1 / (n1 * m1 * m1) + v2 / (n2 * m2 * m2));
  const log = Math.log(m2 / m1);
  return {
    uplift: m2 / m1 - 1,
    low: Math.exp(log - Z95 * seLog) - 1,
    high: Math.exp(log + Z95 * seLog) - 1,
    p_value: se > 0 ? Math.min(1, 2 * (1 - normalCdf(Math.abs(m2 - m1) / se))) : m1 === m2 ? 1 : 0,
  };
}
