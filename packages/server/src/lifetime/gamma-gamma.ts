import { minimizeWithRestarts } from './nelder-mead';
import { lgamma } from './special';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"): a person's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across people, independent of how often they buy. A person is
 * summarised by n (valued transactions) and mean (their average value).
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendSummary {
  n: number;
  mean: number;
}

/** ln of the likelihood of one person's average value (up to a term without parameters: the values' own density). */
export function gammaGammaLogLikelihood(m: GammaGammaParams, s: SpendSummary): number {
  const { p, q, gamma } = m;
  const px = p * s.n;
  return (
    lgamma(px + q) -
    lgamma(px) -
    lgamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(s.mean) +
    px * Math.log(s.n) -
    (px + q) * Math.log(gamma + s.n * s.mean)
  );
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
}

export function fitGammaGamma(people: readonly SpendSummary[]): GammaGammaFit {
  const valued = people.filter((s) => s.n > 0 && s.mean > 0);
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });
  const negLL = (v: number[]) => {
    if (v.some((x) => Math.abs(x) > 30)) return Number.POSITIVE_INFINITY;
    const m = toParams(v);
    let s = 0;
    for (const x of valued) s += gammaGammaLogLikelihood(m, x);
    return -s;
  };
  const mean = valued.reduce((a, s) => a + s.mean, 0) / Math.max(1, valued.length);
  const r = minimizeWithRestarts(negLL, [0, Math.log(3), Math.log(Math.max(1e-3, mean))]);
  return { params: toParams(r.x), logLikelihood: -r.value, converged: r.converged };
}

/** The population's mean value of a transaction, pγ/(q − 1); null when q ≤ 1 (no finite mean). */
export function populationMeanSpend(m: GammaGammaParams): number | null {
  return m.q > 1 ? (m.p * m.gamma) / (m.q - 1) : null;
}

/**
 * E[a person's mean transaction value | n, mean]: a weighted average of the population mean and their own;
 * with q ≤ 1 the population has no finite mean and their own average is taken.
 */
export function expectedSpend(m: GammaGammaParams, s: SpendSummary): number {
  if (m.q <= 1) return s.mean;
  return (m.p * (m.gamma + s.n * s.mean)) / (m.p * s.n + m.q - 1);
}
