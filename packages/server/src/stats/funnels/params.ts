import { z } from 'zod';
import { badRequest, dimensionSchema, isoDateSchema, PERIODS, type Dimension } from '@tidemark/core';
import { parseDashboardParams, type DashboardRequest } from '../dashboard';

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
  const r = funnelParamsSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const code =
      issue?.code === 'unrecognized_keys'
        ? 'unknown_parameter'
        : field === 'breakdown'
          ? 'invalid_dimension'
          : field === 'filters'
            ? 'invalid_filter'
            : field === 'period'
              ? 'invalid_period'
              : 'invalid_date_range';
    throw badRequest(code, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid parameter'}`);
  }
  const { breakdown, ...rest } = r.data;
  // Period and filters are validated exactly as the stats endpoint does.
  const req = parseDashboardParams({ ...rest, compare: 'false' });
  return { dateRange: req.dateRange, filters: req.filters, breakdown: breakdown ?? null };
}
