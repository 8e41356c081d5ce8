import { z } from 'zod';
import { filterSchema, PERIODS } from './query';

/**
 * Audiences (docs/audiences.md): a saved definition of people — stats filters over a lookback period
 * (people with a matching session, as the profile list's `filters`) and predicates on the profile —
 * whose membership a job keeps up to date, with its size over time, a CSV export, and syncs of joins and
 * leaves to a webhook or a HubSpot / Klaviyo list.
 */

const score = z.number().int().min(0).max(100);

export const audiencePredicateSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('score'), op: z.enum(['gte', 'lte']), value: score }).strict(),
    z.object({ type: z.literal('identified'), value: z.boolean() }).strict(),
    z
      .object({
        type: z.literal('trait'),
        key: z.string().regex(/^[A-Za-z0-9_.:\- ]{1,64}$/, 'trait keys: letters, digits, _ . : - space, up to 64'),
        value: z.string().max(500),
      })
      .strict(),
    z.object({ type: z.literal('last_seen_within'), days: z.number().int().min(1).max(3650) }).strict(),
    z.object({ type: z.literal('revenue'), op: z.enum(['gte', 'lte']), value: z.number().min(0).max(1e12) }).strict(),
    z.object({ type: z.literal('segment'), value: z.string().min(1).max(64).meta({ description: 'A segment id (s1, s2 …)' }) }).strict(),
  ])
  .meta({
    id: 'AudiencePredicate',
    description:
      "score ≥/≤ value (the profile's lead score); identified (has a user id) or not; trait key equals value (latest value); " +
      'last seen within N days; revenue ≥/≤ value (major units of the reporting currency); segment is the given segment id ' +
      "(the profile's behavioural segment, docs/segments.md)",
  });
export type AudiencePredicate = z.infer<typeof audiencePredicateSchema>;

export const audienceDefinitionSchema = z
  .object({
    filters: z
      .array(filterSchema)
      .max(30)
      .default([])
      .meta({ description: 'Stats filters (as GET …/stats): people with a session in `period` matching them; none = every person' }),
    period: z.enum(PERIODS).default('last_30_days').meta({ description: 'The lookback period the filters look at' }),
    predicates: z.array(audiencePredicateSchema).max(20).default([]).meta({ description: 'All must hold' }),
  })
  .strict()
  .meta({ id: 'AudienceDefinition' });
export type AudienceDefinition = z.infer<typeof audienceDefinitionSchema>;

const listId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a list id: letters, digits, _ or -');

export const audienceTargetsInputSchema = z
  .object({
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }).max(2000),
        secret: z.string().min(16).max(200).optional().meta({ description: 'HMAC key; made when left out (shown once)' }),
      })
      .strict()
      .nullable()
      .optional(),
    hubspot_list_id: listId.nullable().optional(),
    klaviyo_list_id: listId.nullable().optional(),
  })
  .strict()
  .meta({ id: 'AudienceTargetsInput' });
export type AudienceTargetsInput = z.infer<typeof audienceTargetsInputSchema>;

const name = z.string().trim().min(1, 'name must not be empty').max(100);

export const audienceInputSchema = z
  .object({ name, definition: audienceDefinitionSchema, targets: audienceTargetsInputSchema.default({}) })
  .strict()
  .meta({ id: 'AudienceInput' });
export type AudienceInput = z.infer<typeof audienceInputSchema>;

export const audiencePatchSchema = z
  .object({ name: name.optional(), definition: audienceDefinitionSchema.optional(), targets: audienceTargetsInputSchema.optional() })
  .strict()
  .meta({ id: 'AudiencePatch' });
export type AudiencePatch = z.infer<typeof audiencePatchSchema>;

export const AUDIENCE_TARGETS = ['webhook', 'hubspot', 'klaviyo'] as const;
export type AudienceTarget = (typeof AUDIENCE_TARGETS)[number];

export const audienceSyncStatusSchema = z
  .object({
    target: z.enum(AUDIENCE_TARGETS),
    pending_changes: z.number().int().meta({ description: 'Changes not yet delivered (retried every pass)' }),
    last_ok_at: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_error_at: z.number().int().nullable(),
  })
  .meta({ id: 'AudienceSyncStatus' });
export type AudienceSyncStatus = z.infer<typeof audienceSyncStatusSchema>;

export const audienceSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    definition: audienceDefinitionSchema,
    targets: z.object({
      webhook: z
        .object({ url: z.string(), secret: z.string().optional().meta({ description: 'Only in the answer that made it' }) })
        .nullable(),
      hubspot_list_id: z.string().nullable(),
      klaviyo_list_id: z.string().nullable(),
    }),
    size: z.number().int().meta({ description: 'Members after the last pass' }),
    computed_at: z.number().int().nullable().meta({ description: 'Unix ms of the last pass; null before the first' }),
    last_error: z.string().nullable().meta({ description: "The last pass's failure, if it failed" }),
    sync: z.array(audienceSyncStatusSchema),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .meta({ id: 'Audience' });
export type Audience = z.infer<typeof audienceSchema>;

export const audienceMemberSchema = z
  .object({
    profile_id: z.string().meta({ description: 'u<user_id> or v<visitor_id>' }),
    user_id: z.string().nullable(),
    email: z.string().nullable().meta({ description: 'The e-mail trait when the site keeps one in plain text' }),
    since: z.number().int().meta({ description: 'Unix ms of the pass that added the person' }),
    last_seen: z.number().int(),
    score: z.number().int(),
    revenue: z.number(),
  })
  .meta({ id: 'AudienceMember' });
export type AudienceMember = z.infer<typeof audienceMemberSchema>;

export const audienceMemberListSchema = z
  .object({ members: z.array(audienceMemberSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .meta({ id: 'AudienceMemberList' });
export type AudienceMemberList = z.infer<typeof audienceMemberListSchema>;

export const audienceSizesSchema = z
  .object({ points: z.array(z.object({ time: z.number().int(), size: z.number().int() })) })
  .meta({ id: 'AudienceSizes' });
export type AudienceSizes = z.infer<typeof audienceSizesSchema>;

export const audienceRefreshSchema = z
  .object({ joined: z.number().int(), left: z.number().int(), size: z.number().int(), synced: z.boolean() })
  .meta({ id: 'AudienceRefresh' });
export type AudienceRefresh = z.infer<typeof audienceRefreshSchema>;

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** `GET …/audiences/{aid}/members`: a page, the most recently joined first. */
export const audienceMembersParamsSchema = z
  .object({
    limit: intParam(1, 500).optional().meta({ description: '1–500, default 50' }),
    offset: intParam(0, 10_000_000).optional().meta({ description: 'default 0' }),
  })
  .strict();

/** `GET …/audiences/{aid}/sizes`: how far back. */
export const audienceSizesParamsSchema = z
  .object({ days: intParam(1, 3650).optional().meta({ description: '1–3650, default 90' }) })
  .strict();

/**
 * A CSV cell safe in spreadsheets: a value starting with = + - @, a tab or a carriage return would be
 * read as a formula, so it gets a leading apostrophe; then quoted as RFC 4180 says.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
