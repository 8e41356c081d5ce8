import type { AlertCondition, AlertPeriod } from '@tidemark/core';
import { checkAnomaly, sameBucketHistory } from './anomaly';

/** Buckets of one week for each comparison period (the anomaly history is the same bucket of earlier weeks). */
export const WEEK_BUCKETS: Record<AlertPeriod, number> = { hour: 168, day: 7, week: 1 };
/** Local days of history read per evaluation: 8 weeks for anomalies, a few buckets otherwise. */
export const HISTORY_DAYS: Record<AlertPeriod, { anomaly: number; other: number }> = {
  hour: { anomaly: 57, other: 2 },
  day: { anomaly: 57, other: 3 },
  week: { anomaly: 63, other: 21 },
};

export interface Judgement {
  breach: boolean;
  value: number;
  expected: { lower: number | null; upper: number | null } | null;
  /** Why the value is outside (or that it could not be judged). */
  reason: string;
}

/** Judges the closed bucket `index` of `values` (oldest first) under the condition. */
export function judge(
  condition: AlertCondition,
  threshold: number,
  values: readonly number[],
  index: number,
  period: AlertPeriod,
): Judgement {
  const value = values[index] ?? 0;
  if (condition === 'above')
    return { breach: value > threshold, value, expected: { lower: null, upper: threshold }, reason: `above ${threshold}` };
  if (condition === 'below')
    return { breach: value < threshold, value, expected: { lower: threshold, upper: null }, reason: `below ${threshold}` };
  if (condition === 'change_percent') {
    const prev = values[index - 1];
    if (prev === undefined || prev <= 0) return { breach: false, value, expected: null, reason: 'no previous value to compare with' };
    const change = ((value - prev) / prev) * 100;
    return {
      breach: Math.abs(change) >= threshold,
      value,
      expected: { lower: prev * (1 - threshold / 100), upper: prev * (1 + threshold / 100) },
      reason: `${change >= 0 ? '+' : ''}${change.toFixed(1)} % vs the previous ${period}`,
    };
  }
  const verdict = checkAnomaly(value, sameBucketHistory(values, index, WEEK_BUCKETS[period], 8));
  return {
    breach: verdict.anomalous,
    value,
    expected: verdict.band ? { lower: verdict.band.lower, upper: verdict.band.upper } : null,
    reason: verdict.skipped
      ? verdict.skipped.replace(/_/g, ' ')
      : verdict.direction
        ? `${verdict.direction === 'spike' ? 'above' : 'below'} the usual range for this ${period} of the week`
        : 'within the usual range',
  };
}
