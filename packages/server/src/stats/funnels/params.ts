import { z } from 'zod';
import { dimensionSchema, isoDateSchema, PERIODS, type Dimension } from '@tidemark/core';
import { parseDashboardParams, type DashboardRequest } from '../dashboard';
import { DATE_RANGE_CODES, parseQueryParams } from '../query-params';

/** `GET …/funnels/{id}/stats`: the stats endpoint's period and filters, plus an optional breakdown. */
export const funnelParamsSchema = z
  .object({
    period: z.enum([...PERIODS, 'custom']).optional(),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    filters: z
      .string()
      .max(8000)
      .optional()
      .meta({ description: 'As for the stats endpoint; they choose the entrants (the session of the step-1 event)' }),
    breakdown: dimensionSchema
      .optional()
      .meta({ description: 'Step counts per value of a dimension (source, channel, device, country, props:<key> …)' }),
  })
  .strict();

export interface FunnelRequest {
  dateRange: DashboardRequest['dateRange'];
  filters: DashboardRequest['filters'];
  breakdown: Dimension | null;
}

export function parseFunnelParams(raw: unknown): FunnelRequest {
  const { breakdown, ...rest } = parseQueryParams(funnelParamsSchema, raw, {
    ...DATE_RANGE_CODES,
    '': 'invalid_date_range',
    breakdown: 'invalid_dimension',
    filters: 'invalid_filter',
  });
  // Period and filters are validated exactly as the stats endpoint does.
  const req = parseDashboardParams({ ...rest, compare: 'false' });
  return { dateRange: req.dateRange, filters: req.filters, breakdown: breakdown ?? null };
}
