import { z } from 'zod';

/**
 * Experiments (A/B tests, docs/experiments.md): a site's experiment names its variants with weights and
 * the metric it is judged on (a goal, or revenue). Visitors are assigned by a hash of the experiment key
 * and the person; the browser records one `$exposure` event per session; results compare the variants.
 */

export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** The event the browser records when a visitor sees an experiment (props: key, variant). */
export const EXPOSURE_EVENT = '$exposure';

const KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const experimentVariantSchema = z
  .object({
    key: z.string().regex(KEY, 'variant keys: lower-case letters, digits, _ and -, up to 64'),
    weight: z.number().int().min(1).max(1000).meta({ description: 'Relative share of visitors (integers; 50/50, 1/1/2 …)' }),
  })
  .strict();
export type ExperimentVariant = z.infer<typeof experimentVariantSchema>;

const variantsSchema = z
  .array(experimentVariantSchema)
  .min(2)
  .max(8)
  .refine((v) => new Set(v.map((x) => x.key)).size === v.length, 'variant keys must differ')
  .meta({ description: 'Two to eight variants; the first is the control' });

/** The metric: completions of a goal (destination or event), or revenue (purchases and their amounts). */
export const experimentMetricSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('goal'), goal_id: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('revenue') }).strict(),
]);
export type ExperimentMetric = z.infer<typeof experimentMetricSchema>;

const name = z.string().trim().min(1, 'name must not be empty').max(100);

/** `POST /api/sites/{id}/experiments`: a draft. */
export const experimentInputSchema = z
  .object({
    key: z
      .string()
      .regex(KEY, 'key: lower-case letters, digits, _ and -, up to 64')
      .meta({ description: 'What the page passes to tidemark.experiment(key)' }),
    name,
    variants: variantsSchema,
    metric: experimentMetricSchema,
  })
  .strict()
  .meta({ id: 'ExperimentInput' });
export type ExperimentInput = z.infer<typeof experimentInputSchema>;

/** `PATCH`: name any time; variants and metric only while a draft. */
export const experimentPatchSchema = z
  .object({ name: name.optional(), variants: variantsSchema.optional(), metric: experimentMetricSchema.optional() })
  .strict();
export type ExperimentPatch = z.infer<typeof experimentPatchSchema>;

export const experimentWinnerSchema = z.object({ variant: z.string().regex(KEY) }).strict();

export const experimentSchema = z.object({
  id: z.string(),
  site_id: z.string(),
  key: z.string(),
  name: z.string(),
  variants: z.array(experimentVariantSchema),
  metric: experimentMetricSchema,
  status: z.enum(EXPERIMENT_STATUSES),
  winner: z.string().nullable(),
  started_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Experiment = z.infer<typeof experimentSchema>;

const interval = z.object({ low: z.number(), high: z.number() });

export const experimentVariantResultSchema = z.object({
  variant: z.string(),
  weight: z.number(),
  /** Distinct sessions with an exposure of this variant. */
  exposed_sessions: z.number().int(),
  /** Distinct people (user id when identified, else visitor id) whose first exposure was this variant. */
  exposed_visitors: z.number().int(),
  /** Of those, the ones who converted at or after their first exposure. */
  conversions: z.number().int(),
  /** conversions / exposed_visitors × 100. */
  rate: z.number(),
  /** Sum of the revenue amounts of the people's events at or after exposure, as the events carry them (0 without any). */
  revenue: z.number(),
  revenue_per_visitor: z.number(),
  /** Relative difference of revenue per person from the control's in %, with its 95 % interval; null for the control or without revenue. */
  revenue_uplift: z.number().nullable(),
  revenue_uplift_interval: interval.nullable(),
  /** Welch's test (large-sample form) of revenue per person against the control. */
  revenue_p_value: z.number().nullable(),
  /** Relative uplift of the rate over the control in %, with its 95 % interval; null for the control. */
  uplift: z.number().nullable(),
  uplift_interval: interval.nullable(),
  /** Two-proportion z-test against the control (two-sided). */
  p_value: z.number().nullable(),
  /** Always-valid p-value (mixture SPRT), safe to read at any time. */
  always_valid_p_value: z.number().nullable(),
  /** Posterior probability (Beta(1,1) priors) that this variant's rate beats the control's. */
  probability_to_beat_control: z.number().nullable(),
});
export type ExperimentVariantResult = z.infer<typeof experimentVariantResultSchema>;

export const experimentResultsSchema = z.object({
  experiment: experimentSchema,
  period: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
  metric_name: z.string(),
  variants: z.array(experimentVariantResultSchema),
  /** Sample-ratio check: chi-square of the exposed visitors against the weights. */
  srm: z.object({ chi_square: z.number(), p_value: z.number(), mismatch: z.boolean() }),
});
export type ExperimentResults = z.infer<typeof experimentResultsSchema>;

/** `POST /api/experiments/assign` (the browser script): the collector's signed visitor and session, and the user id. */
export const experimentAssignRequestSchema = z
  .object({
    site_id: z.string().min(1).max(64),
    aid: z.string().min(1).max(200),
    user_id: z.string().max(256).nullish(),
  })
  .strict();

export const experimentAssignmentSchema = z.object({
  variant: z.string(),
  /** The exposure's event id (one per session and experiment; the store keeps it once); null when nothing is recorded. */
  exposure_id: z.string().nullable(),
});
export const experimentAssignResponseSchema = z.object({ experiments: z.record(z.string(), experimentAssignmentSchema) });
export type ExperimentAssignResponse = z.infer<typeof experimentAssignResponseSchema>;
