import { z } from 'zod';
import { badRequest, PROFILE_ID_PATTERN, PROFILE_SORTS } from '@tidemark/core';

const int = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, 'an integer')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

/** `GET …/profiles`: search, order and page. */
export const profileListParamsSchema = z
  .object({
    search: z.string().min(1).max(200).optional().meta({ description: 'Part of a user id, visitor id or trait value (case-insensitive)' }),
    sort: z
      .enum(PROFILE_SORTS)
      .optional()
      .meta({ description: 'last_seen (default, newest first), events (most first) or score (highest first)' }),
    limit: int(200).optional().meta({ description: '1–200, default 50' }),
    offset: int(100_000).optional(),
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

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  const code = issue?.code === 'unrecognized_keys' ? 'unknown_parameter' : `invalid_${field || 'parameter'}`;
  throw badRequest(code, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid parameter'}`);
}

export function parseProfileListParams(raw: unknown) {
  const p = parse(profileListParamsSchema, raw);
  const limit = p.limit ?? 50;
  if (limit < 1) throw badRequest('invalid_limit', 'limit: at least 1');
  return { search: p.search ?? null, sort: p.sort ?? 'last_seen', limit, offset: p.offset ?? 0 };
}

export function parseProfileTimelineParams(raw: unknown) {
  const p = parse(profileTimelineParamsSchema, raw);
  const limit = p.limit ?? 10;
  if (limit < 1) throw badRequest('invalid_limit', 'limit: at least 1');
  return { limit, offset: p.offset ?? 0 };
}

export function parseProfileId(raw: unknown): string {
  const r = profileIdSchema.safeParse(raw);
  if (!r.success) throw badRequest('invalid_profile', 'profile id: u<user id> or v<visitor id>');
  return r.data;
}
