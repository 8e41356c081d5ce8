import { z } from 'zod';

/**
 * Churn and lifetime value (docs/churn-ltv.md): per site a BG/NBD model of repeat transactions and a
 * Gamma-Gamma model of their value, fitted on the site's identified people; the parameters and their
 * held-out accuracy are stored, each person's numbers computed on read.
 */

export const LIFETIME_STATUSES = ['none', 'training', 'ready', 'failed', 'insufficient_data'] as const;

export const lifetimeParamsSchema = z
  .object({
    basis: z
      .enum(['purchases', 'active_days'])
      .meta({ description: 'What a transaction is: a day with a payment on a site with revenue, else a day with activity' }),
    currency: z.string().nullable().meta({ description: 'Currency of values (purchases); null for active days' }),
    bgnbd: z
      .object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() })
      .meta({ description: 'BG/NBD: transaction rate ~ Gamma(r, alpha) per day, dropout after a transaction ~ Beta(a, b)' }),
    gamma_gamma: z
      .object({ p: z.number(), q: z.number(), gamma: z.number() })
      .nullable()
      .meta({ description: 'Gamma-Gamma spend model (major units); null for active days' }),
    threshold: z.number().meta({ description: 'churn_risk is raised when p_active_30d falls below this (chosen on held-out data)' }),
  })
  .meta({ id: 'LifetimeParams' });
export type LifetimeParams = z.infer<typeof lifetimeParamsSchema>;

export const lifetimeMetricsSchema = z
  .object({
    calibration_end: z.number().int().meta({ description: 'Unix ms: fitted on what happened before, judged on the holdout after' }),
    holdout_days: z.number().int(),
    people: z.number().int().meta({ description: 'People with a repeat transaction before the calibration end (judged)' }),
    returned: z.number().int().meta({ description: 'Of those, people with a transaction in the holdout' }),
    auc: z.number().nullable().meta({ description: 'AUC of p_active_30d at the calibration end for returning in the holdout' }),
    repeat_predicted: z.number().meta({ description: 'Expected transactions in the holdout, summed over the judged people' }),
    repeat_actual: z.number().int().meta({ description: 'Their actual transactions in the holdout' }),
    repeat_mae: z.number().meta({ description: 'Mean absolute error of the expected transactions per person' }),
    ltv_mae: z
      .number()
      .nullable()
      .meta({ description: 'Mean absolute error of the expected holdout value per person (major units); null for active days' }),
    ltv_total_error_pct: z.number().nullable().meta({ description: 'Expected total holdout value against the actual, in percent' }),
    threshold: z.number(),
    open_people: z.number().int().meta({
      description:
        'Judged people not yet lapsed at the calibration end (last transaction within 30 days): the threshold is chosen among them',
    }),
    flag_precision: z
      .number()
      .nullable()
      .meta({ description: 'Of them, the share flagged at the calibration end that did not return in the holdout' }),
    flag_recall: z.number().nullable().meta({ description: 'Of them, the share not returning in the holdout that were flagged' }),
    lapsed_people: z.number().int().meta({ description: 'People whose lapse (last transaction + 30 days) fell in the holdout' }),
    flagged_ahead_share: z
      .number()
      .nullable()
      .meta({ description: 'Share of them flagged 3 days (72 h) before their lapse, with the calibration parameters' }),
  })
  .meta({ id: 'LifetimeMetrics' });
export type LifetimeMetrics = z.infer<typeof lifetimeMetricsSchema>;

export const lifetimeModelSchema = z
  .object({
    status: z.enum(LIFETIME_STATUSES),
    trained_at: z.number().int().nullable().meta({ description: 'Unix ms of the last finished training' }),
    people: z.number().int().nullable().meta({ description: 'Eligible people at training: identified, with a repeat transaction' }),
    params: lifetimeParamsSchema.nullable(),
    metrics: lifetimeMetricsSchema.nullable(),
    error: z.string().nullable().meta({ description: 'Why the last training failed or found too little data' }),
  })
  .meta({ id: 'LifetimeModel' });
export type LifetimeModel = z.infer<typeof lifetimeModelSchema>;

export const atRiskPersonSchema = z
  .object({
    id: z.string().meta({ description: 'Profile id (u<user_id>)' }),
    user_id: z.string(),
    last_seen_on: z.string().meta({ description: 'UTC date of the last transaction (purchase or active day)' }),
    lapse_on: z.string().meta({ description: 'UTC date the person lapses without another transaction (last + 30 days)' }),
    transactions: z.number().int().meta({ description: 'Transaction days so far' }),
    p_alive: z.number(),
    p_active_30d: z.number(),
    expected_transactions_30d: z.number(),
    expected_ltv: z.number().nullable(),
  })
  .meta({ id: 'AtRiskPerson' });
export type AtRiskPerson = z.infer<typeof atRiskPersonSchema>;

export const atRiskListSchema = z
  .object({
    people: z.array(atRiskPersonSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    currency: z.string().nullable(),
    ltv_distribution: z
      .array(z.object({ from: z.number(), to: z.number().nullable(), people: z.number().int() }))
      .meta({ description: 'Expected lifetime value of every eligible person in bands (purchases only; empty for active days)' }),
  })
  .meta({ id: 'AtRiskList' });
export type AtRiskList = z.infer<typeof atRiskListSchema>;

export const atRiskParamsSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** The lifetime fields of a profile (list and detail), null / false when the person is not eligible or no model is ready. */
export const profileLifetimeFields = {
  p_active_30d: z
    .number()
    .nullable()
    .meta({ description: 'Probability of a transaction in the next 30 days (BG/NBD); null when not eligible (docs/churn-ltv.md)' }),
  churn_risk: z.boolean().meta({ description: "p_active_30d below the site's held-out threshold" }),
  expected_ltv: z
    .number()
    .nullable()
    .meta({ description: 'Expected value of the next 12 months, discounted (major units); null when not eligible' }),
};
