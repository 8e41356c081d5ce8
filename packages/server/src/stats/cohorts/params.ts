import { z } from 'zod';
import { cohortBySchema, type CohortBy, COHORT_INTERVALS, COHORT_MAX_PERIODS, COHORT_UNITS, isoDateSchema, PERIODS } from '@tidemark/core';
import { parseDashboardParams, type DashboardRequest } from '../dashboard';
import { DATE_RANGE_CODES, parseQueryParams } from '../query-params';

/** `GET …/cohorts`: which first visits make the cohorts, how they are grouped, counted and followed. */
export const cohortParamsSchema = z
  .object({
    period: z
      .enum([...PERIODS, 'custom'])
      .optional()
      .meta({ description: 'Members first seen in this period (default last_12_months)' }),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    interval: z.enum(COHORT_INTERVALS).optional().meta({ description: 'Length of a period (default week)' }),
    periods: z
      .string()
      .regex(/^\d{1,2}$/, 'an integer')
      .transform(Number)
      .pipe(z.number().int().min(1).max(COHORT_MAX_PERIODS))
      .optional()
      .meta({ description: 'Periods per cohort, the first included (default 12)' }),
    by: cohortBySchema.optional().meta({
      description:
        "first_visit (default): by first period; or by first source / landing page; or trait:<key>: by the member's latest value of the trait",
    }),
    unit: z
      .enum(COHORT_UNITS)
      .optional()
      .meta({ description: 'Default: people when the site has identified users in the range read, else visitors' }),
    goal: z.string().min(1).max(100).optional().meta({ description: 'A destination or event goal of the site: completion per period' }),
  })
  .strict();

export interface CohortRequest {
  dateRange: DashboardRequest['dateRange'];
  interval: (typeof COHORT_INTERVALS)[number];
  periods: number;
  by: CohortBy;
  unit: (typeof COHORT_UNITS)[number] | null;
  goal: string | null;
}

export function parseCohortParams(raw: unknown): CohortRequest {
  const p = parseQueryParams(cohortParamsSchema, raw, DATE_RANGE_CODES);
  const period = parseDashboardParams({
    period: p.period ?? 'last_12_months',
    start_date: p.start_date,
    end_date: p.end_date,
    compare: 'false',
  });
  return {
    dateRange: period.dateRange,
    interval: p.interval ?? 'week',
    periods: p.periods ?? 12,
    by: (p.by ?? 'first_visit') as CohortBy,
    unit: p.unit ?? null,
    goal: p.goal ?? null,
  };
}
