import type { z } from 'zod';
import { badRequest } from '@tidemark/core';

/** The code of a bad start_date or end_date where a route reports the range as a whole. */
export const DATE_RANGE_CODES: Readonly<Record<string, string>> = { start_date: 'invalid_date_range', end_date: 'invalid_date_range' };

/**
 * Query parameters through their schema: an unknown one is a 400 `unknown_parameter`; a bad value a 400
 * `invalid_<field>` unless `codes` names the route's code for that field ('' for an issue of the whole query).
 */
export function parseQueryParams<T extends z.ZodType>(schema: T, raw: unknown, codes: Readonly<Record<string, string>> = {}): z.output<T> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  const code =
    issue?.code === 'unrecognized_keys'
      ? 'unknown_parameter'
      : Object.hasOwn(codes, field)
        ? codes[field]!
        : `invalid_${field || 'parameter'}`;
  throw badRequest(code, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid parameter'}`);
}
