import { z } from 'zod';
import { metricValueSchema, PROP_KEY_PATTERN } from './query';

/**
 * Goals (InsightHub PRD §4.3.1): what counts as a conversion on a site. A conversion is a session that
 * completed the goal; the stats engine compiles each definition to a condition over a session's events.
 */

export const GOAL_TYPES = ['destination', 'event', 'duration', 'pages_per_session'] as const;
export type GoalType = (typeof GOAL_TYPES)[number];

const pathText = z.string().min(1).max(500);
const propValue = z.string().max(500);

export const destinationMatchSchema = z
  .object({
    path: pathText.optional().meta({ description: 'Exact path, or with * wildcards (/blog/*, /thank-you*)' }),
    path_regex: z.string().min(1).max(200).optional().meta({ description: 'RE2 regular expression on the path' }),
  })
  .strict()
  .refine((m) => (m.path === undefined) !== (m.path_regex === undefined), 'give exactly one of path or path_regex');

export const eventMatchSchema = z
  .object({
    event_name: z.string().min(1).max(200),
    event_properties: z
      .record(z.string().regex(PROP_KEY_PATTERN, 'property keys: letters, digits, _ . : - space'), propValue)
      .refine((o) => Object.keys(o).length <= 20, 'at most 20 properties')
      .optional()
      .meta({ description: 'Each key must have exactly this value' }),
  })
  .strict();

export const durationMatchSchema = z.object({ min_duration_s: z.number().int().min(1).max(86_400) }).strict();
export const pagesMatchSchema = z.object({ min_pages: z.number().int().min(1).max(1000) }).strict();

const goalName = z.string().trim().min(1, 'name must not be empty').max(100);
const goalValue = z
  .number()
  .nonnegative()
  .max(1e12)
  .nullable()
  .optional()
  .meta({ description: 'Monetary value of one conversion, in the currency of the site' });

/** The body of `POST /api/sites/{id}/goals` (and of the preview). */
export const goalInputSchema = z
  .discriminatedUnion('type', [
    z.object({ name: goalName, type: z.literal('destination'), match: destinationMatchSchema, value: goalValue }).strict(),
    z.object({ name: goalName, type: z.literal('event'), match: eventMatchSchema, value: goalValue }).strict(),
    z.object({ name: goalName, type: z.literal('duration'), match: durationMatchSchema, value: goalValue }).strict(),
    z.object({ name: goalName, type: z.literal('pages_per_session'), match: pagesMatchSchema, value: goalValue }).strict(),
  ])
  .meta({ id: 'GoalInput' });
export type GoalInput = z.infer<typeof goalInputSchema>;

/** `PATCH`: any of name, value, or a new type with its match (type and match go together). */
export const goalPatchSchema = z
  .object({
    name: goalName.optional(),
    type: z.enum(GOAL_TYPES).optional(),
    match: z.record(z.string(), z.unknown()).optional(),
    value: goalValue,
  })
  .strict()
  .refine((p) => (p.type === undefined) === (p.match === undefined), 'type and match are changed together')
  .meta({ id: 'GoalPatch' });
export type GoalPatch = z.infer<typeof goalPatchSchema>;

export type GoalMatch = GoalInput['match'];
/** A goal's type with the match of that type (the discriminated pair). */
export type GoalRule = GoalInput extends infer G ? (G extends { type: infer T; match: infer M } ? { type: T; match: M } : never) : never;

/** A stored goal as the API returns it. */
export const goalSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    type: z.enum(GOAL_TYPES),
    match: z.record(z.string(), z.unknown()),
    value: z.number().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Goal' });
export type Goal = Omit<z.infer<typeof goalSchema>, 'type' | 'match'> & GoalRule;

/** What the stats engine needs of a goal. */
export type GoalDefinition = GoalRule & { id: string; name: string };

export const goalStatsSchema = z
  .object({
    goal: goalSchema,
    period: z.object({ start: z.string(), end: z.string() }),
    metrics: z.object({ conversions: metricValueSchema, converting_visitors: metricValueSchema, conversion_rate: metricValueSchema }),
    timeseries: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
    dimensions: z.record(z.string(), z.array(z.record(z.string(), z.union([z.string(), z.number()])))),
  })
  .meta({ id: 'GoalStats' });
export type GoalStats = z.infer<typeof goalStatsSchema>;

export const goalPreviewSchema = z
  .object({
    conversions: z.number().int(),
    converting_visitors: z.number().int(),
    period: z.object({ start: z.string(), end: z.string() }),
  })
  .meta({ id: 'GoalPreview' });
export type GoalPreview = z.infer<typeof goalPreviewSchema>;
