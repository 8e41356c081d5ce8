import { z } from 'zod';
import { SCORE_BUCKETS } from './rules';

/**
 * Behavioural segments (docs/segments.md): per site, k-means clusters of its people on standardised
 * behaviour, k chosen in 8–12 by the mean silhouette; each segment keeps its id and name across re-training.
 */

export const SEGMENT_K_MIN = 8;
export const SEGMENT_K_MAX = 12;
/** Lead-score buckets of the stats engine's `score` dimension and filter. */
export { SCORE_BUCKETS };
export type ScoreBucket = (typeof SCORE_BUCKETS)[number];

/** The bucket of a 0–100 score. */
export const scoreBucketOf = (score: number): ScoreBucket =>
  score >= 80 ? '80-100' : score >= 60 ? '60-79' : score >= 40 ? '40-59' : score >= 20 ? '20-39' : '0-19';

export const segmentRefSchema = z
  .object({
    id: z.string().meta({ description: 'Stable across re-training (s1, s2 …)' }),
    name: z.string().meta({ description: "Named from the segment's distinguishing features when it first appeared" }),
  })
  .meta({ id: 'SegmentRef' });

export const segmentFeatureSchema = z
  .object({
    feature: z.string().meta({
      description: 'sessions, pageviews, pages_per_session, engaged_minutes, days_since_last, goals, identified or key_page:<name>',
    }),
    z: z.number().meta({ description: "The segment centre's standard score on this feature (site mean 0, sd 1)" }),
    value: z.number().meta({ description: "The segment centre's value in the feature's own unit" }),
    site_value: z.number().meta({ description: "The site's mean in the same unit" }),
  })
  .meta({ id: 'SegmentFeature' });

export const segmentSchema = segmentRefSchema
  .extend({
    people: z.number().int().meta({ description: 'Members when the model was trained' }),
    share: z.number().meta({ description: 'Members / people trained on' }),
    converted: z.number().int().meta({ description: "Members who completed one of the site's destination or event goals" }),
    conversion_rate: z.number().meta({ description: 'converted / people' }),
    revenue: z.number().meta({ description: "Members' last-touch revenue, major units of the site's reporting currency" }),
    features: z.array(segmentFeatureSchema).meta({ description: 'The features that set it apart most, largest |z| first (at most 3)' }),
  })
  .meta({ id: 'Segment' });

export const segmentsSchema = z
  .object({
    status: z.enum(['untrained', 'training', 'trained', 'failed']),
    criterion: z.literal('silhouette').meta({ description: 'k is the one of 8–12 with the highest mean silhouette' }),
    k: z.number().int().nullable(),
    silhouette: z.number().nullable().meta({ description: 'Mean silhouette of the chosen k (−1 … 1)' }),
    people: z.number().int().meta({ description: 'People the model was trained on' }),
    trained_at: z.number().int().nullable().meta({ description: 'Unix ms' }),
    error: z.string().nullable().meta({ description: 'Why the last training failed (e.g. too few people)' }),
    segments: z.array(segmentSchema),
  })
  .meta({ id: 'Segments' });

/** `POST …/segments/train` takes no options. */
export const segmentTrainBodySchema = z.object({}).strict();

export type SegmentRef = z.infer<typeof segmentRefSchema>;
export type SegmentFeature = z.infer<typeof segmentFeatureSchema>;
export type Segment = z.infer<typeof segmentSchema>;
export type Segments = z.infer<typeof segmentsSchema>;
