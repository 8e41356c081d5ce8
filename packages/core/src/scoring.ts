import { z } from 'zod';

/**
 * Lead scoring, rules mode (docs/lead-scoring.md): per site, points per behaviour of a profile, summed
 * and clamped to 0–100. Shared by the server (validation, scoring) and the dashboard (rules editor).
 */

const points = z.number().min(-100).max(100);
const cap = z.number().min(0).max(100);

export const keyPageRuleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, 'lower-case letters, digits, _ or -')
      .meta({ description: 'Names the reason: key_page:<name>' }),
    path: z
      .string()
      .min(1)
      .max(500)
      .startsWith('/', 'a path starting with /')
      .meta({ description: 'Page path; `*` matches any run of characters (`/docs/*`)' }),
    points: points.meta({ description: 'Points once the profile has viewed a matching page' }),
  })
  .strict();

export const scoringRulesSchema = z
  .object({
    recency: z
      .object({
        points: points.meta({ description: 'Points for activity now; halved every half_life_days since the last event' }),
        half_life_days: z.number().min(0.1).max(365),
      })
      .strict(),
    sessions: z.object({ points_each: points, max: cap }).strict().meta({ description: 'Per session, up to max' }),
    pageviews: z.object({ points_each: points, max: cap }).strict().meta({ description: 'Per page view, up to max' }),
    key_pages: z
      .array(keyPageRuleSchema)
      .max(20)
      .refine((ks) => new Set(ks.map((k) => k.name)).size === ks.length, 'key page names must differ'),
    goals: z
      .object({ points_each: points, max: cap })
      .strict()
      .meta({ description: 'Per destination or event goal of the site the profile has completed, up to max' }),
    engaged: z
      .object({ points_per_minute: points, max: cap })
      .strict()
      .meta({ description: 'Per minute of engaged time the tracker reported, up to max' }),
    returning: z.object({ points }).strict().meta({ description: 'When the profile has more than one session' }),
    identified: z.object({ points }).strict().meta({ description: 'When the profile is an identified user' }),
  })
  .strict()
  .meta({ id: 'ScoringRules' });

export const scoreReasonSchema = z
  .object({
    rule: z.string().meta({ description: 'recency, sessions, pageviews, key_page:<name>, goals, engaged, returning or identified' }),
    points: z.number().meta({ description: 'Points this rule gave (one decimal)' }),
  })
  .meta({ id: 'ScoreReason' });

export const siteScoringSchema = z
  .object({
    rules: scoringRulesSchema,
    is_default: z.boolean().meta({ description: 'True while the site has not saved rules of its own' }),
  })
  .meta({ id: 'SiteScoring' });

export type KeyPageRule = z.infer<typeof keyPageRuleSchema>;
export type ScoringRules = z.infer<typeof scoringRulesSchema>;
export type ScoreReason = z.infer<typeof scoreReasonSchema>;
export type SiteScoring = z.infer<typeof siteScoringSchema>;

/** The rules of a site that has saved none. */
export const DEFAULT_SCORING_RULES: ScoringRules = {
  recency: { points: 25, half_life_days: 14 },
  sessions: { points_each: 3, max: 15 },
  pageviews: { points_each: 1, max: 10 },
  key_pages: [
    { name: 'pricing', path: '/pricing*', points: 15 },
    { name: 'docs', path: '/docs*', points: 5 },
    { name: 'contact', path: '/contact*', points: 10 },
  ],
  goals: { points_each: 10, max: 20 },
  engaged: { points_per_minute: 1, max: 10 },
  returning: { points: 5 },
  identified: { points: 10 },
};
