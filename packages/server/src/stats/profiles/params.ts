import { z } from 'zod';
import { badRequest, isoDateSchema, PERIODS, PROFILE_ID_PATTERN, PROFILE_SORTS, type FilterNode, type Query } from '@tidemark/core';
import { parseFilterParam } from '../dashboard';
import { parseQueryParams } from '../query-params';

const int = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, 'an integer')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

/** `GET …/profiles`: search, order, page and stats filters. */
export const profileListParamsSchema = z
  .object({
    search: z.string().min(1).max(200).optional().meta({ description: 'Part of a user id, visitor id or trait value (case-insensitive)' }),
    sort: z
      .enum(PROFILE_SORTS)
      .optional()
      .meta({ description: 'last_seen (default, newest first), events, revenue (most first) or score (highest first)' }),
    limit: int(200).optional().meta({ description: '1–200, default 50' }),
    offset: int(100_000).optional(),
    filters: z.string().max(8000).optional().meta({
      description:
        'JSON stats filters (as GET …/stats): only people with a session in the period that matches them (its events for event-level filters)',
    }),
    period: z
      .enum([...PERIODS, 'custom'])
      .optional()
      .meta({ description: 'The sessions `filters` look at (default last_12_months); custom: start_date … end_date' }),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
  })
  .strict();

/** `GET …/profiles/{pid}/timeline`: a page of sessions, newest first. */
export const profileTimelineParamsSchema = z
  .object({
    limit: int(50).optional().meta({ description: 'Sessions per page, 1–50, default 10' }),
    offset: int(100_000).optional(),
  })
  .strict();

export const profileIdSchema = z.string().max(301).regex(PROFILE_ID_PATTERN, 'a profile id: u<user id> or v<visitor id>');

export function parseProfileListParams(raw: unknown) {
  const p = parseQueryParams(profileListParamsSchema, raw);
  const limit = p.limit ?? 50;
  if (limit < 1) throw badRequest('invalid_limit', 'limit: at least 1');
  const custom = p.period === 'custom';
  if (custom !== (p.start_date !== undefined && p.end_date !== undefined) || (!custom && (p.start_date || p.end_date)))
    throw badRequest('invalid_date_range', 'start_date and end_date: both, and only with period=custom');
  const filters: FilterNode[] = p.filters === undefined ? [] : parseFilterParam(p.filters);
  const dateRange: Query['date_range'] =
    p.period === undefined ? 'last_12_months' : p.period === 'custom' ? { start: p.start_date!, end: p.end_date! } : p.period;
  return { search: p.search ?? null, sort: p.sort ?? 'last_seen', limit, offset: p.offset ?? 0, filters, dateRange };
}

export function parseProfileTimelineParams(raw: unknown) {
  const p = parseQueryParams(profileTimelineParamsSchema, raw);
  const limit = p.limit ?? 10;
  if (limit < 1) throw badRequest('invalid_limit', 'limit: at least 1');
  return { limit, offset: p.offset ?? 0 };
}

export function parseProfileId(raw: unknown): string {
  const r = profileIdSchema.safeParse(raw);
  if (!r.success) throw badRequest('invalid_profile', 'profile id: u<user id> or v<visitor id>');
  return r.data;
}
