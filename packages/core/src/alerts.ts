import { z } from 'zod';
import { filterSchema } from './query';

/**
 * Alerts (InsightHub PRD §4.6.5): a metric of a site watched over closed buckets (hour, day or week),
 * firing once per incident through email, Slack or a signed webhook, and saying when it has cleared.
 */

export const ALERT_METRICS = [
  'visitors',
  'pageviews',
  'bounce_rate',
  'conversions',
  'events',
  'total_revenue',
  'rage_clicks',
  'errors',
] as const;
/** The custom event t.errors.js sends for each JavaScript error: `errors` counts them. */
export const ERROR_EVENT_NAME = 'error_occurred';
export const ALERT_CONDITIONS = ['above', 'below', 'change_percent', 'anomaly'] as const;
export const ALERT_PERIODS = ['hour', 'day', 'week'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];
export type AlertPeriod = (typeof ALERT_PERIODS)[number];

const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL');

export const alertChannelSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('email'), to: z.array(z.string().email().max(320)).min(1).max(10) }).strict(),
    z.object({ type: z.literal('slack'), webhook_url: httpUrl.meta({ description: 'A Slack incoming-webhook URL' }) }).strict(),
    z
      .object({
        type: z.literal('webhook'),
        url: httpUrl,
        secret: z
          .string()
          .min(16)
          .max(200)
          .optional()
          .meta({ description: 'Signs X-Tidemark-Signature; made for you when left out (shown once)' }),
      })
      .strict(),
  ])
  .meta({ id: 'AlertChannel' });
export type AlertChannel = z.infer<typeof alertChannelSchema>;

const alertFields = {
  name: z.string().trim().min(1).max(100),
  metric: z.enum(ALERT_METRICS).meta({
    description:
      'conversions needs goal_id; events (a custom event count) needs event_name; total_revenue in the reporting currency; ' +
      'rage_clicks; errors (JavaScript errors reported by t.errors.js)',
  }),
  goal_id: z.string().max(64).optional(),
  event_name: z.string().min(1).max(200).optional(),
  filters: z.array(filterSchema).max(10).optional().meta({ description: 'As the stats endpoint takes them' }),
  condition: z.enum(ALERT_CONDITIONS),
  threshold: z
    .number()
    .finite()
    .min(-1e12)
    .max(1e12)
    .meta({ description: 'above/below: the value; change_percent: % vs the previous bucket; anomaly: ignored (the band decides)' }),
  comparison_period: z.enum(ALERT_PERIODS),
  channels: z.array(alertChannelSchema).min(1).max(5),
  is_active: z.boolean().default(true),
};

const needsTarget = (a: { metric?: string; goal_id?: string; event_name?: string }, ctx: z.RefinementCtx) => {
  if (a.metric === 'conversions' && !a.goal_id) ctx.addIssue({ code: 'custom', path: ['goal_id'], message: 'conversions need goal_id' });
  if (a.metric === 'events' && !a.event_name) ctx.addIssue({ code: 'custom', path: ['event_name'], message: 'events need event_name' });
};

export const alertInputSchema = z.object(alertFields).strict().superRefine(needsTarget).meta({ id: 'AlertInput' });
export type AlertInput = z.input<typeof alertInputSchema>;

export const alertPatchSchema = z
  .object(
    Object.fromEntries(Object.entries(alertFields).map(([k, v]) => [k, (v as z.ZodType).optional()])) as {
      [K in keyof typeof alertFields]: z.ZodOptional<(typeof alertFields)[K]>;
    },
  )
  .strict()
  .meta({ id: 'AlertPatch' });

/** A channel as the API shows it: the Slack URL and the webhook secret are never shown again. */
export const shownChannelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('email'), to: z.array(z.string()) }),
  z.object({ type: z.literal('slack'), webhook_url: z.string().meta({ description: 'Masked' }) }),
  z.object({
    type: z.literal('webhook'),
    url: z.string(),
    secret: z.string().optional().meta({ description: 'Only in the answer that made it' }),
  }),
]);

export const alertSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    metric: z.enum(ALERT_METRICS),
    goal_id: z.string().nullable(),
    event_name: z.string().nullable(),
    filters: z.array(filterSchema),
    condition: z.enum(ALERT_CONDITIONS),
    threshold: z.number(),
    comparison_period: z.enum(ALERT_PERIODS),
    channels: z.array(shownChannelSchema),
    is_active: z.boolean(),
    state: z.enum(['ok', 'firing']),
    last_value: z.number().nullable(),
    last_bucket: z.string().nullable().meta({ description: 'The last closed bucket evaluated (ISO start)' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Alert' });
export type Alert = z.infer<typeof alertSchema>;

export const alertDeliverySchema = z.object({
  channel: z.enum(['email', 'slack', 'webhook']),
  ok: z.boolean(),
  attempts: z.number().int(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

export const alertEventSchema = z
  .object({
    id: z.string(),
    alert_id: z.string(),
    kind: z.enum(['fired', 'resolved', 'test']),
    bucket: z.string().nullable(),
    value: z.number().nullable(),
    expected: z
      .object({ lower: z.number().nullable(), upper: z.number().nullable() })
      .nullable()
      .meta({ description: 'The band or threshold the value was held against' }),
    message: z.string(),
    deliveries: z.array(alertDeliverySchema),
    created_at: z.string(),
  })
  .meta({ id: 'AlertEvent' });
export type AlertEvent = z.infer<typeof alertEventSchema>;
