import { z } from 'zod';
import { alertChannelSchema, shownChannelSchema } from './alerts';

/**
 * The instance's own health (RevivaTech PRD §4.2, MetricPal monitoring): what the admin "System" page
 * shows, and threshold alerts on the system itself sent through the alert channels.
 */

export const dependencyHealthSchema = z.object({
  name: z.string().meta({ description: 'metadata, events, redis …' }),
  ok: z.boolean(),
  latency_ms: z.number(),
  error: z.string().nullable(),
});

export const jobStatusSchema = z.object({
  name: z.string(),
  runs: z.number().int(),
  failures: z.number().int(),
  last_started: z.string().nullable(),
  last_finished: z.string().nullable(),
  last_ok: z.boolean().nullable().meta({ description: 'Whether the last finished run succeeded' }),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const systemStatusSchema = z
  .object({
    mode: z.enum(['embedded', 'scale-out']),
    engine: z.enum(['duckdb', 'clickhouse']),
    checked_at: z.string(),
    dependencies: z.array(dependencyHealthSchema),
    ingest: z.object({
      events_last_5m: z.number().int(),
      events_last_hour: z.number().int(),
      per_second: z.number().meta({ description: 'Events stored per second over the last 5 minutes' }),
      drops_today: z.array(z.object({ reason: z.string(), count: z.number().int() })).meta({ description: 'UTC day, all sites' }),
    }),
    queue: z.object({
      kind: z.enum(['group-commit', 'redis-stream']),
      waiting: z.number().int().meta({
        description:
          'Accepted and not yet stored: items (events, raw payloads) of the group commit embedded; stream entries (one per accepted request, read or not) at scale',
      }),
      oldest_age_seconds: z.number().meta({ description: 'Age of the oldest item waiting (0 when none): the ingest delay' }),
    }),
    storage: z.object({
      total_bytes: z.number().int().nullable(),
      sites: z.array(
        z.object({
          site_id: z.string(),
          domain: z.string(),
          events: z.number().int(),
          estimated_bytes: z.number().int().nullable().meta({ description: "The store's size in proportion to the site's events" }),
        }),
      ),
    }),
    jobs: z.array(jobStatusSchema),
    recent_errors: z
      .array(z.object({ at: z.string(), message: z.string() }))
      .meta({ description: 'Background errors of this node, newest first' }),
  })
  .meta({ id: 'SystemStatus' });
export type SystemStatus = z.infer<typeof systemStatusSchema>;

export const SYSTEM_ALERT_METRICS = ['ingest_delay_seconds', 'queue_waiting'] as const;
export type SystemAlertMetric = (typeof SYSTEM_ALERT_METRICS)[number];

const systemAlertFields = {
  name: z.string().trim().min(1).max(100),
  metric: z.enum(SYSTEM_ALERT_METRICS).meta({
    description:
      'ingest_delay_seconds: age of the oldest accepted item not yet stored; queue_waiting: what waits to be stored (as the System page counts it)',
  }),
  threshold: z.number().finite().min(0).max(1e12).meta({ description: 'Fires when the value is above it' }),
  channels: z.array(alertChannelSchema).min(1).max(5),
  is_active: z.boolean().default(true),
};

export const systemAlertInputSchema = z.object(systemAlertFields).strict().meta({ id: 'SystemAlertInput' });
export type SystemAlertInput = z.input<typeof systemAlertInputSchema>;

export const systemAlertSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    metric: z.enum(SYSTEM_ALERT_METRICS),
    threshold: z.number(),
    channels: z.array(shownChannelSchema),
    is_active: z.boolean(),
    state: z.enum(['ok', 'firing']),
    last_value: z.number().nullable(),
    last_checked: z.string().nullable(),
    last_change: z.string().nullable().meta({ description: 'When it last fired or resolved' }),
    created_at: z.string(),
  })
  .meta({ id: 'SystemAlert' });
export type SystemAlert = z.infer<typeof systemAlertSchema>;
