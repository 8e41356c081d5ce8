import { z } from 'zod';
import { HASHED_TRAIT_PREFIX, PROFILE_SORTS, shownTrait } from './rules';
import { scoreReasonSchema } from './scoring';
import { profileLifetimeFields } from './lifetime';
import { segmentRefSchema } from './segments';

/**
 * Profiles (docs/people.md): a read model over a site's events, one per person of the person rule —
 * `u<user_id>` for an identified user with every visitor id that identified as them, `v<visitor_id>`
 * for an anonymous visitor id. Nothing is stored: events are the only source.
 */

/** u + a user id (≤ 300 characters) or v + a visitor id (≤ 128): event field limits. */
export const PROFILE_ID_PATTERN = /^(u.{1,300}|v.{1,128})$/s;

export const profileSummarySchema = z
  .object({
    id: z.string().meta({ description: 'u<user_id> or v<visitor_id>' }),
    user_id: z.string().nullable().meta({ description: 'Null for an anonymous visitor id' }),
    first_seen: z.number().int().meta({ description: 'Unix ms of the first event' }),
    last_seen: z.number().int().meta({ description: 'Unix ms of the last event' }),
    sessions: z.number().int(),
    pageviews: z.number().int(),
    events: z.number().int(),
    visitor_ids: z.number().int().meta({ description: 'Visitor ids joined in this profile' }),
    revenue: z.number().meta({
      description: "Payments less refunds of the profile's visitor ids, major units of the site's reporting currency (0 without any)",
    }),
    transactions: z.number().int().meta({ description: 'Payments of the profile' }),
    currency: z.string().nullable().meta({ description: 'The reporting currency of `revenue`; null when the profile has no payment' }),
    score: z.number().int().min(0).max(100).meta({ description: "Lead score 0–100 by the site's scoring rules, computed on read" }),
    score_reasons: z.array(scoreReasonSchema).meta({ description: 'The rules that gave the most points, largest first (at most 5)' }),
    ...profileLifetimeFields,
    segment: segmentRefSchema.nullable().meta({
      description: "The behavioural segment nearest the profile's behaviour now (docs/segments.md); null before a model is trained",
    }),
  })
  .meta({ id: 'ProfileSummary' });

export const profileListSchema = z
  .object({
    profiles: z.array(profileSummarySchema),
    total: z.number().int().meta({ description: 'Profiles matching the search' }),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'ProfileList' });

export const profileTraitSchema = z
  .object({
    key: z.string(),
    value: z.string().meta({ description: 'Latest value (from identify events)' }),
    changed_at: z.number().int().meta({ description: 'Unix ms of the identify event that set the latest value' }),
  })
  .meta({ id: 'ProfileTrait' });

export const profileMergeSchema = z
  .object({
    visitor_id: z.string(),
    user_id: z.string().meta({ description: 'The user id the visitor id identified as' }),
    at: z.number().int().meta({ description: 'Unix ms of the first event of the visitor id carrying this user id' }),
    previous_user_id: z
      .string()
      .nullable()
      .meta({ description: 'Re-identification: the user id the visitor id carried before; null on its first identification' }),
  })
  .meta({ id: 'ProfileMerge' });

const countedSchema = z.object({ sessions: z.number().int() });

export const profileSchema = profileSummarySchema
  .extend({
    traits: z.array(profileTraitSchema),
    merged_visitor_ids: z
      .array(
        z.object({
          visitor_id: z.string(),
          first_seen: z.number().int(),
          last_seen: z.number().int(),
          identified_at: z.number().int().nullable(),
        }),
      )
      .meta({ description: 'The visitor ids of the profile; identified_at = their first event carrying the user id' }),
    merges: z
      .array(profileMergeSchema)
      .meta({ description: 'Each (visitor id, user id) pair among the visitor ids of the profile, oldest first (docs/people.md)' }),
    recordings: z
      .array(z.object({ visitor_id: z.string(), recordings: z.number().int() }))
      .meta({ description: 'Visitor ids of the profile with session recordings, and how many (none when replay is off)' }),
    devices: z.array(countedSchema.extend({ device: z.string(), browser: z.string(), os: z.string() })),
    locations: z.array(countedSchema.extend({ country: z.string(), region: z.string(), city: z.string() })),
    goals: z
      .array(z.object({ id: z.string(), name: z.string(), sessions: z.number().int() }))
      .meta({ description: "Per goal of the site, the profile's sessions that completed it (the stats engine's goal rule)" }),
    first_source: z.string().meta({ description: "Source of the first session ('' = direct)" }),
    last_source: z.string().meta({ description: "Source of the last session ('' = direct)" }),
  })
  .meta({ id: 'Profile' });

export const timelineEventSchema = z.object({
  ts: z.number().int(),
  name: z.string(),
  path: z.string(),
  props: z.record(z.string(), z.string()),
});

export const profileTimelineSchema = z
  .object({
    sessions: z.array(
      z.object({
        session_id: z.string(),
        visitor_id: z.string(),
        start: z.number().int(),
        end: z.number().int(),
        source: z.string(),
        events: z.array(timelineEventSchema).meta({ description: 'In time order' }),
      }),
    ),
    total: z.number().int().meta({ description: 'Sessions of the profile' }),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'ProfileTimeline' });

export type ProfileSummary = z.infer<typeof profileSummarySchema>;
export type ProfileList = z.infer<typeof profileListSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type ProfileMerge = z.infer<typeof profileMergeSchema>;
export type ProfileTrait = z.infer<typeof profileTraitSchema>;
export type ProfileTimeline = z.infer<typeof profileTimelineSchema>;

/** Site settings of people's traits (flat fields of GET/PATCH /api/sites/{id}; docs/people.md). */
export interface PeopleSettings {
  /** E-mail and phone traits stored as keyed hashes (HMAC) and shown masked. */
  trait_privacy: boolean;
  /** Trait keys kept at ingestion; empty = every trait kept. */
  trait_allowlist: string[];
}

export { HASHED_TRAIT_PREFIX, PROFILE_SORTS, shownTrait };
