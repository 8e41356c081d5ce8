import { z } from 'zod';

/**
 * Lead scoring, model mode (docs/lead-scoring.md): a logistic regression trained on the site's own
 * history, with its held-out quality. Shared by the server (validation, status) and the dashboard.
 */

export const SCORING_MODES = ['rules', 'model'] as const;
export type ScoringMode = (typeof SCORING_MODES)[number];

export const scoringModeSchema = z
  .object({ mode: z.enum(SCORING_MODES).meta({ description: 'rules: the points per behaviour; model: the active trained model' }) })
  .strict()
  .meta({ id: 'ScoringMode' });

export const leadScoreTrainSchema = z
  .object({
    goal_id: z.string().min(1).max(64).meta({ description: 'A destination or event goal of the site: the conversion to predict' }),
    horizon_days: z.number().int().min(1).max(90).meta({ description: 'Label: completed the goal within this many days after the cutoff' }),
  })
  .strict()
  .meta({ id: 'LeadScoreTrain' });

export const LEAD_MODEL_STATUSES = ['none', 'queued', 'training', 'ready', 'failed'] as const;

export const leadModelCalibrationBinSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    count: z.number().int(),
    predicted: z.number().meta({ description: 'Mean predicted probability of the held-out people in the bin' }),
    observed: z.number().meta({ description: 'Share of them that completed the goal' }),
  })
  .meta({ id: 'LeadModelCalibrationBin' });

export const leadModelFeatureEffectSchema = z
  .object({
    feature: z.string(),
    coefficient: z.number().meta({ description: 'Change in log-odds per standard deviation of the feature' }),
    odds_ratio: z.number().meta({ description: 'exp(coefficient): the odds multiplied per standard deviation' }),
  })
  .meta({ id: 'LeadModelFeatureEffect' });

export const leadModelMetricsSchema = z
  .object({
    auc: z.number().meta({ description: 'Held-out ROC AUC of the model' }),
    rules_auc: z.number().meta({ description: "Held-out ROC AUC of the site's rules score on the same people" }),
    threshold: z.number().meta({ description: 'Score (0–100) from which a person is predicted to convert (best F1 on training)' }),
    precision: z.number(),
    recall: z.number(),
    calibration: z.array(leadModelCalibrationBinSchema),
    top_features: z.array(leadModelFeatureEffectSchema),
    train_cutoffs: z.array(z.number().int()).meta({ description: 'Cutoffs (Unix ms) the training people were taken at' }),
    validation_cutoff: z.number().int().meta({ description: 'The later cutoff of the held-out people' }),
  })
  .meta({ id: 'LeadModelMetrics' });

export const leadModelStatusSchema = z
  .object({
    mode: z.enum(SCORING_MODES),
    status: z.enum(LEAD_MODEL_STATUSES),
    goal_id: z.string().nullable(),
    horizon_days: z.number().int().nullable(),
    active: z.boolean().meta({ description: 'True when this model is the site’s active one (it scores profiles in mode model)' }),
    active_trained_at: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'When the active model (this one or an earlier one) was trained; null when none is active' }),
    note: z.string().nullable().meta({ description: 'Why a trained model is not active, or why training failed' }),
    requested_at: z.number().int().nullable(),
    trained_at: z.number().int().nullable(),
    people: z
      .object({
        train: z.number().int(),
        validation: z.number().int(),
        train_positive: z.number().int(),
        validation_positive: z.number().int(),
      })
      .nullable(),
    metrics: leadModelMetricsSchema.nullable(),
  })
  .meta({ id: 'LeadModelStatus' });

export type LeadScoreTrain = z.infer<typeof leadScoreTrainSchema>;
export type LeadModelCalibrationBin = z.infer<typeof leadModelCalibrationBinSchema>;
export type LeadModelFeatureEffect = z.infer<typeof leadModelFeatureEffectSchema>;
export type LeadModelMetrics = z.infer<typeof leadModelMetricsSchema>;
export type LeadModelStatus = z.infer<typeof leadModelStatusSchema>;
