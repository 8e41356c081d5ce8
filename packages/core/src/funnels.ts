import { z } from 'zod';
import { PROP_KEY_PATTERN } from './query';

/**
 * Funnels (InsightHub PRD §4.3.2, §7.2.6): ordered steps, each a page view (path exact, with `*`
 * wildcards, or an RE2 regex) or a custom event (name, optional exact property values). Entrants start
 * at step 1 and reach step k when steps 1..k happened in that order within the window of the step-1
 * event (default: the session; 24 h with visitor scope).
 */

export const FUNNEL_MIN_STEPS = 2;
export const FUNNEL_MAX_STEPS = 10;
export const FUNNEL_SCOPES = ['session', 'visitor'] as const;
export const FUNNEL_WINDOW_UNITS = ['minutes', 'hours', 'days'] as const;
/** The longest window: steps are looked for at most this long after the period's end. */
export const FUNNEL_MAX_WINDOW_MS = 30 * 86_400_000;

const name = z.string().trim().min(1, 'must not be empty').max(100);

export const funnelStepMatchSchema = z
  .object({
    url_pattern: z.string().min(1).max(500).optional().meta({ description: 'Page path, exact or with * wildcards (/blog/*)' }),
    path_regex: z.string().min(1).max(500).optional().meta({ description: 'Page path as an RE2 regular expression' }),
    event_name: z.string().min(1).max(200).optional(),
    event_properties: z
      .record(z.string().regex(PROP_KEY_PATTERN, 'invalid property key'), z.string().max(500))
      .optional()
      .refine((p) => p === undefined || Object.keys(p).length <= 10, 'at most 10 properties')
      .meta({ description: 'Property key → exact value, all must hold' }),
  })
  .strict();

export const funnelStepSchema = z
  .object({
    name,
    type: z.enum(['pageview', 'event']),
    match: funnelStepMatchSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    const m = s.match;
    if (s.type === 'pageview') {
      if ((m.url_pattern === undefined) === (m.path_regex === undefined))
        ctx.addIssue({ code: 'custom', path: ['match'], message: 'a pageview step needs exactly one of url_pattern or path_regex' });
      if (m.event_name !== undefined || m.event_properties !== undefined)
        ctx.addIssue({ code: 'custom', path: ['match'], message: 'a pageview step takes no event_name or event_properties' });
    } else {
      if (m.event_name === undefined) ctx.addIssue({ code: 'custom', path: ['match'], message: 'an event step needs event_name' });
      if (m.url_pattern !== undefined || m.path_regex !== undefined)
        ctx.addIssue({ code: 'custom', path: ['match'], message: 'an event step takes no url_pattern or path_regex' });
    }
  });

export const funnelWindowSchema = z
  .object({ value: z.number().int().min(1).max(43_200), unit: z.enum(FUNNEL_WINDOW_UNITS) })
  .strict()
  .refine((w) => windowMs(w) <= FUNNEL_MAX_WINDOW_MS, 'window: at most 30 days');

export const funnelInputSchema = z
  .object({
    name,
    steps: z.array(funnelStepSchema).min(FUNNEL_MIN_STEPS).max(FUNNEL_MAX_STEPS),
    scope: z.enum(FUNNEL_SCOPES).optional(),
    window: funnelWindowSchema.nullable().optional(),
  })
  .strict()
  .meta({ id: 'FunnelInput' });

export const funnelPatchSchema = z
  .object({
    name: name.optional(),
    steps: z.array(funnelStepSchema).min(FUNNEL_MIN_STEPS).max(FUNNEL_MAX_STEPS).optional(),
    scope: z.enum(FUNNEL_SCOPES).optional(),
    window: funnelWindowSchema.nullable().optional(),
  })
  .strict()
  .meta({ id: 'FunnelPatch' });

export type FunnelStep = z.infer<typeof funnelStepSchema>;
export type FunnelWindow = z.infer<typeof funnelWindowSchema>;
export type FunnelScope = (typeof FUNNEL_SCOPES)[number];
export type FunnelInput = z.infer<typeof funnelInputSchema>;
export type FunnelPatch = z.infer<typeof funnelPatchSchema>;

export const funnelSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    steps: z.array(funnelStepSchema),
    scope: z.enum(FUNNEL_SCOPES),
    window: funnelWindowSchema.nullable().meta({ description: 'null: the session (session scope) or 24 hours (visitor scope)' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Funnel' });
export type Funnel = z.infer<typeof funnelSchema>;

export const funnelListSchema = z.object({ funnels: z.array(funnelSchema) }).meta({ id: 'FunnelList' });

export function windowMs(w: { value: number; unit: (typeof FUNNEL_WINDOW_UNITS)[number] }): number {
  return w.value * (w.unit === 'minutes' ? 60_000 : w.unit === 'hours' ? 3_600_000 : 86_400_000);
}

const stepStatsSchema = z.object({
  order: z.number().int(),
  name: z.string(),
  visitors: z.number().int().meta({ description: 'Entrants whose furthest step is this one or a later one' }),
  conversion_rate: z.number().meta({ description: '% of step-1 entrants' }),
  step_conversion_rate: z.number().meta({ description: '% of the previous step (100 for step 1)' }),
  drop_off: z.number().int().meta({ description: 'Entrants that reached this step but not the next (0 for the last)' }),
  drop_off_rate: z.number().meta({ description: 'drop_off / visitors × 100' }),
  median_seconds_from_previous: z.number().nullable().meta({ description: 'Median time from the previous step (null for step 1)' }),
});

export const funnelStatsSchema = z
  .object({
    funnel: funnelSchema,
    period: z.object({ start: z.string(), end: z.string() }),
    conversion_rate: z.number().meta({ description: 'Last step / first step × 100' }),
    steps: z.array(stepStatsSchema),
    drop_offs: z.array(
      z.object({
        after_step: z.number().int(),
        next: z
          .array(z.object({ path_or_event: z.string(), visitors: z.number().int() }))
          .meta({ description: 'Top 5 next pages (path) or events (name) of those who left, within the window; "(exit)" when nothing' }),
      }),
    ),
    breakdown: z
      .object({
        dimension: z.string(),
        rows: z.array(z.object({ value: z.string(), steps: z.array(z.object({ order: z.number().int(), visitors: z.number().int() })) })),
      })
      .optional(),
  })
  .meta({ id: 'FunnelStats' });
export type FunnelStats = z.infer<typeof funnelStatsSchema>;
export type FunnelStepStats = FunnelStats['steps'][number];
