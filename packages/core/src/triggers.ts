import { z } from 'zod';

/**
 * Triggers (docs/triggers.md): per site, a condition on a person (an event, or a profile predicate), an
 * optional delay, actions, a frequency cap per person, quiet hours in the site's time zone. The site's
 * global cap limits actions per person across all its triggers. Shared by the server and the dashboard.
 */

const PROP_KEY = /^[A-Za-z0-9_.:\- ]{1,100}$/;

/** An event a person did: its name, optionally its path (`*` matches any run of characters) and property values. */
export const triggerEventMatchSchema = z
  .object({
    name: z.string().min(1).max(200),
    path: z.string().min(1).max(500).startsWith('/', 'a path starting with /').optional().meta({ description: '`*` wildcards' }),
    props: z
      .record(z.string().regex(PROP_KEY, 'property keys: letters, digits, _ . : - space'), z.string().max(500))
      .refine((o) => Object.keys(o).length <= 20, 'at most 20 properties')
      .optional()
      .meta({ description: 'Each key must have exactly this value' }),
  })
  .strict()
  .meta({ id: 'TriggerEventMatch' });
export type TriggerEventMatch = z.infer<typeof triggerEventMatchSchema>;

export const TRIGGER_CONDITION_TYPES = ['event', 'score_at_least', 'segment_is', 'inactive', 'goal_not_completed'] as const;

export const triggerConditionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('event'), event: triggerEventMatchSchema }).strict(),
    z
      .object({ type: z.literal('score_at_least'), score: z.number().int().min(0).max(100) })
      .strict()
      .meta({ description: "The profile's lead score (scoring/) reached this value after an event of the person" }),
    z
      .object({ type: z.literal('segment_is'), segment_id: z.string().min(1).max(64) })
      .strict()
      .meta({ description: "The profile's behavioural segment (segments/) is this one after an event of the person" }),
    z
      .object({ type: z.literal('inactive'), days: z.number().int().min(1).max(365) })
      .strict()
      .meta({ description: 'No event of the person for this many days (once per stretch of inactivity)' }),
    z
      .object({
        type: z.literal('goal_not_completed'),
        after: triggerEventMatchSchema,
        goal_id: z.string().min(1).max(64),
        within_minutes: z.number().int().min(1).max(43_200),
      })
      .strict()
      .meta({ description: 'The person did `after` and did not complete the goal (destination or event) within the time' }),
  ])
  .meta({ id: 'TriggerCondition' });
export type TriggerCondition = z.infer<typeof triggerConditionSchema>;

export const FREQUENCY_PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export type FrequencyPeriod = (typeof FREQUENCY_PERIODS)[number];

/** At most this many actions per person: once per session, once ever, or N per calendar period in the site's zone. */
export const maxFrequencySchema = z
  .union([
    z.literal('1_per_session'),
    z.literal('once'),
    z.object({ count: z.number().int().min(1).max(1000), per: z.enum(FREQUENCY_PERIODS) }).strict(),
  ])
  .meta({ id: 'TriggerMaxFrequency' });
export type MaxFrequency = z.infer<typeof maxFrequencySchema>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
/** Local times in the site's zone; `end` before `start` spans midnight. Actions due inside wait for `end`. */
export const quietHoursSchema = z
  .object({ start: clock, end: clock })
  .strict()
  .refine((q) => q.start !== q.end, 'start and end must differ')
  .meta({ id: 'TriggerQuietHours' });
export type QuietHours = z.infer<typeof quietHoursSchema>;

const httpsUrl = z
  .string()
  .url()
  .max(2000)
  .regex(/^https?:\/\//, 'an http(s) URL');
const template = z.string().max(10_000);

/** An action as written by the editor; secrets (webhook secret, Slack URL) are sealed when stored. */
export const triggerActionSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('webhook'),
        url: httpsUrl,
        secret: z.string().min(1).max(500).nullish().meta({ description: 'HMAC-SHA256 key; absent on update keeps the stored one' }),
      })
      .strict(),
    z
      .object({
        type: z.literal('email'),
        to: z.union([z.literal('person'), z.string().email().max(320)]),
        subject: z.string().min(1).max(300),
        body: template,
      })
      .strict(),
    z
      .object({
        type: z.literal('slack'),
        webhook_url: httpsUrl.optional().meta({ description: 'Absent on update keeps the stored one' }),
        text: template,
      })
      .strict(),
    z.object({ type: z.literal('hubspot_contact'), properties: z.record(z.string().max(100), z.string().max(100)).optional() }).strict(),
    z.object({ type: z.literal('klaviyo_profile') }).strict(),
    z.object({ type: z.literal('klaviyo_event'), metric: z.string().min(1).max(200) }).strict(),
  ])
  .meta({ id: 'TriggerAction' });
export type TriggerActionInput = z.infer<typeof triggerActionSchema>;

/** An action as the API shows it: secrets never leave the server, only whether one is set. */
export type TriggerActionView =
  | { type: 'webhook'; url: string; secret_set: boolean }
  | { type: 'email'; to: string; subject: string; body: string }
  | { type: 'slack'; webhook_url_set: boolean; text: string }
  | { type: 'hubspot_contact'; properties?: Record<string, string> }
  | { type: 'klaviyo_profile' }
  | { type: 'klaviyo_event'; metric: string };

export const triggerInputSchema = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(100),
    enabled: z.boolean().default(true),
    condition: triggerConditionSchema,
    delay_minutes: z.number().int().min(0).max(43_200).default(0),
    actions: z.array(triggerActionSchema).min(1).max(10),
    max_frequency: maxFrequencySchema.nullable().default(null).meta({ description: 'null: no cap of its own' }),
    quiet_hours: quietHoursSchema.nullable().default(null),
  })
  .strict()
  .meta({ id: 'TriggerInput' });
export type TriggerInput = z.input<typeof triggerInputSchema>;
export type TriggerDefinition = z.output<typeof triggerInputSchema>;

export type Trigger = Omit<TriggerDefinition, 'actions'> & {
  id: string;
  site_id: string;
  actions: TriggerActionView[];
  created_at: number;
  updated_at: number;
};

/** The site's cap on actions per person across all its triggers; null = none. */
export const triggerSettingsSchema = z
  .object({
    global_cap: z
      .object({ count: z.number().int().min(1).max(1000), per: z.enum(FREQUENCY_PERIODS) })
      .strict()
      .nullable(),
  })
  .strict()
  .meta({ id: 'TriggerSettings' });
export type TriggerSettings = z.infer<typeof triggerSettingsSchema>;

/** What became of one occurrence of a trigger's condition for a person. */
export const FIRING_OUTCOMES = ['queued', 'capped', 'global_cap', 'no_consent', 'disabled'] as const;
export type FiringOutcome = (typeof FIRING_OUTCOMES)[number];

export interface TriggerFiring {
  id: string;
  trigger_id: string;
  profile_id: string;
  reason: string;
  outcome: FiringOutcome;
  /** When the condition was met (the event's time). */
  occurred_at: number;
  /** When its actions are due (after the delay and any quiet hours); null when none were queued. */
  due_at: number | null;
  /** Set when the due time was moved to the end of quiet hours. */
  quiet_hours: boolean;
  created_at: number;
}

export interface TriggerFiringPage {
  firings: TriggerFiring[];
  total: number;
  limit: number;
  offset: number;
}

export const ACTION_STATUSES = ['pending', 'sent', 'dead'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface DeadLetter {
  id: string;
  trigger_id: string;
  profile_id: string;
  action_type: string;
  attempts: number;
  last_error: string | null;
  due_at: number;
  updated_at: number;
}

export const firingPageParamsSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

/** `POST …/triggers/dry-run`: what the definition would have done over the last 7 days; nothing is sent. */
export interface TriggerDryRun {
  from: number;
  to: number;
  /** Occurrences of the condition (before any cap). */
  matched: number;
  /** Distinct people with an occurrence. */
  people: number;
  /** Actions the caps would have let through (per occurrence, each of its actions counts once). */
  allowed: number;
  capped: number;
  global_capped: number;
  no_consent: number;
  /** Allowed occurrences whose due time fell inside quiet hours (sent at their end). */
  quiet_hours: number;
  /** Up to 50 of the people, with their occurrences and what the caps let through. */
  sample: Array<{ profile_id: string; matched: number; allowed: number }>;
}

/**
 * On a consent-managed site, what a browser event's visitor decided about the `marketing` consent
 * category ('granted' or 'declined'), kept on the event by the collector's consent step: triggers send
 * nothing to people whose latest decision is not 'granted'.
 */
export const MARKETING_CONSENT_PROP = 'tm_marketing';

// --- Response shapes (the OpenAPI document is generated from these) -------------------------------

const actionViewSchema = z
  .union([
    z.object({ type: z.literal('webhook'), url: z.string(), secret_set: z.boolean() }),
    z.object({ type: z.literal('email'), to: z.string(), subject: z.string(), body: z.string() }),
    z.object({ type: z.literal('slack'), webhook_url_set: z.boolean(), text: z.string() }),
    z.object({ type: z.literal('hubspot_contact'), properties: z.record(z.string(), z.string()).optional() }),
    z.object({ type: z.literal('klaviyo_profile') }),
    z.object({ type: z.literal('klaviyo_event'), metric: z.string() }),
  ])
  .meta({ id: 'TriggerActionView' });

export const triggerSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    condition: triggerConditionSchema,
    delay_minutes: z.number().int(),
    actions: z.array(actionViewSchema),
    max_frequency: maxFrequencySchema.nullable(),
    quiet_hours: quietHoursSchema.nullable(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .meta({ id: 'Trigger' });

export const triggerFiringPageSchema = z
  .object({
    firings: z.array(
      z.object({
        id: z.string(),
        trigger_id: z.string(),
        profile_id: z.string(),
        reason: z.string(),
        outcome: z.enum(FIRING_OUTCOMES),
        occurred_at: z.number().int(),
        due_at: z.number().int().nullable(),
        quiet_hours: z.boolean(),
        created_at: z.number().int(),
      }),
    ),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'TriggerFiringPage' });

export const deadLettersSchema = z
  .object({
    dead_letters: z.array(
      z.object({
        id: z.string(),
        trigger_id: z.string(),
        profile_id: z.string(),
        action_type: z.string(),
        attempts: z.number().int(),
        last_error: z.string().nullable(),
        due_at: z.number().int(),
        updated_at: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'DeadLetters' });

export const triggerDryRunSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    matched: z.number().int(),
    people: z.number().int(),
    allowed: z.number().int(),
    capped: z.number().int(),
    global_capped: z.number().int(),
    no_consent: z.number().int(),
    quiet_hours: z.number().int(),
    sample: z.array(z.object({ profile_id: z.string(), matched: z.number().int(), allowed: z.number().int() })),
  })
  .meta({ id: 'TriggerDryRun' });
