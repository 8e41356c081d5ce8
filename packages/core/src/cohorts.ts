import { z } from 'zod';

/**
 * Cohorts (InsightHub §4.6.1): members grouped by when they were first seen (day, week or month in
 * the site's time zone) or by their first source or landing page; per cohort its size and, for each
 * following period, the share of members active again (retention) and completing a goal.
 */
export const COHORT_INTERVALS = ['day', 'week', 'month'] as const;
export const COHORT_BY = ['first_visit', 'source', 'landing_page'] as const;
/** How members are grouped: one of COHORT_BY, or `trait:<key>` (the latest value of a trait, docs/people.md). */
export type CohortBy = (typeof COHORT_BY)[number] | `trait:${string}`;
export const COHORT_TRAIT_PATTERN = /^trait:[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;
export const cohortBySchema = z.union([z.enum(COHORT_BY), z.string().regex(COHORT_TRAIT_PATTERN, 'trait:<key>')]);
export const COHORT_UNITS = ['visitors', 'people'] as const;
export const COHORT_MAX_PERIODS = 52;

const int = z.number().int();

export const cohortCellSchema = z.object({
  offset: int.meta({ description: "Periods after the member's first (0 = the first period itself)" }),
  active: int.meta({ description: 'Members with any event in that period' }),
  retention: z.number().meta({ description: 'active / size × 100, one decimal' }),
  conversions: int.meta({ description: 'Members completing the goal in that period (0 without a goal)' }),
  conversion_rate: z.number().meta({ description: 'conversions / size × 100, one decimal' }),
  revenue_per_member: z.number().nullable().meta({
    description:
      'Payments less refunds of the members in that period / size, major units of `currency`, two decimals; null when the site has no revenue',
  }),
});

export const cohortsSchema = z
  .object({
    period: z.object({ start: z.string(), end: z.string() }),
    interval: z.enum(COHORT_INTERVALS),
    by: cohortBySchema,
    basis: z.enum(COHORT_UNITS).meta({
      description:
        'What a member is: a visitor id, or a person (an identified user with the visitor ids that identified as them; other visitor ids alone)',
    }),
    basis_note: z.string().nullable().meta({ description: 'Why returning members may be undercounted on this basis, when they may be' }),
    goal: z.object({ id: z.string(), name: z.string() }).nullable(),
    currency: z.string().nullable().meta({ description: 'Reporting currency of revenue_per_member; null when the site has no revenue' }),
    periods: int,
    cohorts: z.array(
      z.object({
        cohort: z.string().meta({
          description: "First period (YYYY-MM-DD, its first local day), the first source / landing page, or the trait value ('' = none)",
        }),
        size: int,
        converted: int.meta({ description: 'Members who completed the goal in any period read' }),
        cells: z.array(cohortCellSchema).meta({ description: 'Periods that have begun, in order' }),
      }),
    ),
  })
  .meta({ id: 'Cohorts' });
export type Cohorts = z.infer<typeof cohortsSchema>;
export type CohortCell = z.infer<typeof cohortCellSchema>;
