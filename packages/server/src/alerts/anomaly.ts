/**
 * Anomaly detection for alerts (docs/operations.md "Anomaly alerts"): the observed value of a closed
 * bucket against the same bucket of the week (same hour-of-week, or same weekday) over the last 4–8
 * weeks. The band is the median ± k robust standard deviations, the deviation estimated by the median
 * absolute deviation (MAD × 1.4826), so one past incident in the history cannot widen it the way a
 * standard deviation would. Counts are noisy by nature: the deviation is never taken below the square
 * root of the median (Poisson noise). Below a minimum volume nothing is anomalous, so a small site's
 * quiet night cannot page anyone.
 */

export interface AnomalyOptions {
  /** Robust standard deviations from the median that still count as normal. */
  k: number;
  /** Neither the median nor the observed value reaches this: not evaluated. */
  minVolume: number;
  /** Fewer comparable past buckets than this: not evaluated. */
  minHistory: number;
}

export const DEFAULT_ANOMALY: AnomalyOptions = { k: 4, minVolume: 20, minHistory: 4 };

export interface Band {
  median: number;
  /** Robust standard deviation: max(1.4826 × MAD, √median, 1). */
  sigma: number;
  lower: number;
  upper: number;
}

export interface AnomalyVerdict {
  anomalous: boolean;
  direction: 'spike' | 'drop' | null;
  band: Band | null;
  /** Why it was not evaluated. */
  skipped?: 'not_enough_history' | 'low_volume';
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function seasonalBand(history: readonly number[], k: number): Band {
  const m = median(history);
  const mad = median(history.map((v) => Math.abs(v - m)));
  const sigma = Math.max(1.4826 * mad, Math.sqrt(Math.max(m, 0)), 1);
  return { median: m, sigma, lower: m - k * sigma, upper: m + k * sigma };
}

/** `history`: the same bucket of the week in earlier weeks (oldest first or any order). */
export function checkAnomaly(observed: number, history: readonly number[], opts: Partial<AnomalyOptions> = {}): AnomalyVerdict {
  const o = { ...DEFAULT_ANOMALY, ...opts };
  const past = history.filter((v) => Number.isFinite(v));
  if (past.length < o.minHistory) return { anomalous: false, direction: null, band: null, skipped: 'not_enough_history' };
  const band = seasonalBand(past, o.k);
  if (band.median < o.minVolume && observed < o.minVolume) return { anomalous: false, direction: null, band, skipped: 'low_volume' };
  if (observed > band.upper) return { anomalous: true, direction: 'spike', band };
  if (observed < band.lower) return { anomalous: true, direction: 'drop', band };
  return { anomalous: false, direction: null, band };
}

/** The same bucket of the week in earlier weeks: every `period`-th value before `index`, at most `weeks` of them. */
export function sameBucketHistory(series: readonly number[], index: number, period: number, weeks: number): number[] {
  const out: number[] = [];
  for (let i = index - period; i >= 0 && out.length < weeks; i -= period) out.push(series[i]!);
  return out;
}
