import type { PersonFeatures } from '../stats';

/**
 * The behaviour a segment is made of: each person's PersonFeatures as a vector of these features, counts
 * on a log scale (a person with 200 page views is not 100 times one with 2), then standardised per site.
 */

const DAY_MS = 86_400_000;

export interface KeyPage {
  name: string;
  path: string;
}

export const BASE_FEATURES = [
  'sessions',
  'pageviews',
  'pages_per_session',
  'engaged_minutes',
  'days_since_last',
  'goals',
  'identified',
] as const;

export const featureNames = (keyPages: readonly KeyPage[]): string[] => [...BASE_FEATURES, ...keyPages.map((k) => `key_page:${k.name}`)];

/** Whether a feature is kept as log(1 + x) in the vector (value() undoes it). */
const logScaled = (name: string) => name !== 'identified' && name !== 'pages_per_session';

/** The vector of a person; key page counts are the last `keyPages.length` of `f.key_pages`. */
export function vectorOf(f: PersonFeatures, keyPages: readonly KeyPage[], now: number): number[] {
  const kp = f.key_pages.slice(f.key_pages.length - keyPages.length);
  const raw = [
    f.sessions,
    f.pageviews,
    f.sessions > 0 ? f.pageviews / f.sessions : 0,
    f.engaged_ms / 60_000,
    Math.max(0, now - f.last_ms) / DAY_MS,
    f.goals,
    f.identified ? 1 : 0,
    ...keyPages.map((_, i) => kp[i] ?? 0),
  ];
  const names = featureNames(keyPages);
  return raw.map((x, i) => (logScaled(names[i]!) ? Math.log1p(x) : x));
}

/** A vector component back in the feature's own unit. */
export const featureValue = (name: string, x: number): number => (logScaled(name) ? Math.expm1(x) : x);

export interface Scaler {
  mean: number[];
  sd: number[];
}

/** Mean and standard deviation per feature; a constant feature gets sd 1 (its z-scores are all 0). */
export function fitScaler(vectors: readonly (readonly number[])[]): Scaler {
  const dim = vectors[0]?.length ?? 0;
  const n = Math.max(1, vectors.length);
  const mean = Array.from({ length: dim }, (_, j) => vectors.reduce((a, v) => a + v[j]!, 0) / n);
  const sd = mean.map((m, j) => {
    const s = Math.sqrt(vectors.reduce((a, v) => a + (v[j]! - m) ** 2, 0) / n);
    return s > 1e-9 ? s : 1;
  });
  return { mean, sd };
}

export const standardise = (s: Scaler, v: readonly number[]): number[] => v.map((x, j) => (x - s.mean[j]!) / s.sd[j]!);
export const unstandardise = (s: Scaler, z: readonly number[]): number[] => z.map((x, j) => x * s.sd[j]! + s.mean[j]!);
