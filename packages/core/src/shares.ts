import { z } from 'zod';

/**
 * Shared dashboards (InsightHub PRD §4.7.2): a read-only link to one site's dashboard, with the cards
 * it shows, an optional password, an expiry, and the origins that may embed it in a frame.
 */

/** The cards a link may show and the breakdown dimensions each one reads. */
export const SHARE_CARD_DIMENSIONS = {
  overview: [],
  sources: ['channel', 'source', 'referrer_domain', 'referrer', 'medium', 'campaign', 'term', 'content'],
  pages: ['page', 'entry_page', 'exit_page'],
  locations: ['country', 'region', 'city'],
  devices: ['browser', 'os', 'device', 'screen'],
  events: ['event_name'],
  goals: ['goal'],
} as const satisfies Record<string, readonly string[]>;
export type ShareCard = keyof typeof SHARE_CARD_DIMENSIONS;
export const SHARE_CARDS = Object.keys(SHARE_CARD_DIMENSIONS) as ShareCard[];

/** Metrics a shared view may ask for (conversion metrics only with the goals card). */
export const SHARE_METRICS = [
  'visitors',
  'pageviews',
  'sessions',
  'bounce_rate',
  'avg_duration',
  'duration',
  'views_per_visit',
  'events',
  'new_visitors',
  'returning_visitors',
  'avg_time',
  'scroll_depth',
] as const;
export const SHARE_GOAL_METRICS = ['conversions', 'converting_visitors', 'conversion_rate'] as const;

const origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'an origin: scheme and host (and port), no path, e.g. https://intranet.example.com');

export const shareInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional().meta({ description: 'What the link is for (shown in the list)' }),
    password: z.string().min(8, 'at least 8 characters').max(200).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional().meta({ description: 'When the link stops working (ISO 8601)' }),
    cards: z
      .array(z.enum(SHARE_CARDS as [ShareCard, ...ShareCard[]]))
      .min(1)
      .max(SHARE_CARDS.length)
      .optional()
      .meta({ description: 'The cards shown (default all); the link can read only their numbers' }),
    frame_ancestors: z
      .array(origin)
      .max(10)
      .optional()
      .meta({ description: 'Origins allowed to embed the link in a frame (default: none)' }),
  })
  .strict()
  .meta({ id: 'ShareInput' });
export type ShareInput = z.input<typeof shareInputSchema>;

export const shareSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    token_prefix: z.string().meta({ description: 'The first characters of the token, to tell links apart' }),
    has_password: z.boolean(),
    expires_at: z.string().nullable(),
    cards: z.array(z.enum(SHARE_CARDS as [ShareCard, ...ShareCard[]])),
    frame_ancestors: z.array(z.string()),
    created_at: z.string(),
  })
  .meta({ id: 'Share' });
export type Share = z.infer<typeof shareSchema>;

export const shareCreatedSchema = shareSchema
  .extend({
    token: z.string().meta({ description: 'Shown once: only its hash is stored' }),
    url: z.string().meta({ description: 'The shared page (append ?embed=1 for the frame version)' }),
  })
  .meta({ id: 'ShareCreated' });
export type ShareCreated = z.infer<typeof shareCreatedSchema>;

export const shareListSchema = z.object({ shares: z.array(shareSchema) }).meta({ id: 'ShareList' });

/** What a shared page learns about its link before (and after) unlocking. */
export const sharedViewSchema = z
  .object({
    name: z.string(),
    locked: z.boolean().meta({ description: 'A password is needed (POST …/unlock) before stats are served' }),
    site: z.object({ domain: z.string(), timezone: z.string() }).nullable().meta({ description: 'null while locked' }),
    cards: z.array(z.enum(SHARE_CARDS as [ShareCard, ...ShareCard[]])),
    expires_at: z.string().nullable(),
  })
  .meta({ id: 'SharedView' });
export type SharedView = z.infer<typeof sharedViewSchema>;

export const shareUnlockSchema = z
  .object({ password: z.string().min(1).max(200) })
  .strict()
  .meta({ id: 'ShareUnlock' });

export const shareAccessSchema = z
  .object({
    access_token: z.string().meta({ description: 'Send as X-Share-Access with the shared stats requests' }),
    expires_at: z.string(),
  })
  .meta({ id: 'ShareAccess' });
export type ShareAccess = z.infer<typeof shareAccessSchema>;
