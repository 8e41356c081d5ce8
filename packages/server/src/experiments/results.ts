import type { Experiment, ExperimentResults, ExperimentVariantResult, GoalDefinition } from '@tidemark/core';
import type { ExperimentVariantCounts } from '../stats';
import {
  alwaysValidPValue,
  probabilityToBeat,
  relativeUplift,
  revenueComparison,
  sampleRatioMismatch,
  twoProportionPValue,
} from './statistics';

/** Below this p-value the split of exposed people does not fit the weights (a sample-ratio mismatch). */
export const SRM_THRESHOLD = 0.001;

const zeros = (variant: string): ExperimentVariantCounts => ({
  variant,
  sessions: 0,
  visitors: 0,
  conversions: 0,
  revenue: 0,
  revenue_sq: 0,
});

/**
 * The results page of an experiment from the engine's counts: each configured variant (exposures of
 * unknown variants, from pages of an older definition, are left out), the control first; the rate is
 * converters / exposed people; every other variant is compared with the control.
 */
export function experimentResults(
  e: Experiment,
  goal: GoalDefinition | null,
  counts: readonly ExperimentVariantCounts[],
): ExperimentResults {
  const byVariant = new Map(counts.map((c) => [c.variant, c]));
  const rows = e.variants.map((v) => ({ weight: v.weight, ...(byVariant.get(v.key) ?? zeros(v.key)) }));
  const control = rows[0]!;
  const variants: ExperimentVariantResult[] = rows.map((r, i) => {
    const compared = i > 0;
    const uplift = compared ? relativeUplift(control.conversions, control.visitors, r.conversions, r.visitors) : null;
    const money = compared
      ? revenueComparison(control.revenue, control.revenue_sq, control.visitors, r.revenue, r.revenue_sq, r.visitors)
      : null;
    return {
      variant: r.variant,
      weight: r.weight,
      exposed_sessions: r.sessions,
      exposed_visitors: r.visitors,
      conversions: r.conversions,
      rate: r.visitors > 0 ? (r.conversions / r.visitors) * 100 : 0,
      revenue: r.revenue,
      revenue_per_visitor: r.visitors > 0 ? r.revenue / r.visitors : 0,
      revenue_uplift: money ? money.uplift * 100 : null,
      revenue_uplift_interval: money ? { low: money.low * 100, high: money.high * 100 } : null,
      revenue_p_value: money ? money.p_value : null,
      uplift: uplift ? uplift.uplift * 100 : null,
      uplift_interval: uplift ? { low: uplift.low * 100, high: uplift.high * 100 } : null,
      p_value: compared ? twoProportionPValue(control.conversions, control.visitors, r.conversions, r.visitors) : null,
      always_valid_p_value: compared ? alwaysValidPValue(control.conversions, control.visitors, r.conversions, r.visitors) : null,
      probability_to_beat_control: compared ? probabilityToBeat(control.conversions, control.visitors, r.conversions, r.visitors) : null,
    };
  });
  const srm = sampleRatioMismatch(
    rows.map((r) => r.visitors),
    rows.map((r) => r.weight),
  );
  return {
    experiment: e,
    period: { start: e.started_at, end: e.stopped_at },
    metric_name: goal ? goal.name : 'revenue',
    variants,
    srm: { ...srm, mismatch: srm.p_value < SRM_THRESHOLD },
  };
}
