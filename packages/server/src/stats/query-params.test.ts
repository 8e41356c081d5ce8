import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DATE_RANGE_CODES, parseQueryParams } from './query-params';

const schema = z
  .object({
    limit: z.string().regex(/^\d+$/).optional(),
    start_date: z.string().date().optional(),
  })
  .strict()
  .refine((q) => !(q.limit && q.start_date), { message: 'limit or start_date' });

const codeOf = (raw: unknown, codes?: Record<string, string>) => {
  try {
    parseQueryParams(schema, raw, codes);
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('parseQueryParams', () => {
  it('answers the parsed query, an unknown key as unknown_parameter and a bad value as invalid_<field>', () => {
    expect(parseQueryParams(schema, { limit: '5' })).toEqual({ limit: '5' });
    expect(parseQueryParams(schema, undefined)).toEqual({});
    expect(codeOf({ other: 'x' })).toBe('unknown_parameter');
    expect(codeOf({ limit: 'five' })).toBe('invalid_limit');
    expect(codeOf({ start_date: 'soon' })).toBe('invalid_start_date');
    expect(codeOf({ limit: '1', start_date: '2024-01-01' })).toBe('invalid_parameter');
  });

  it("uses the route's codes for the fields it names, '' for the whole query", () => {
    expect(codeOf({ start_date: 'soon' }, DATE_RANGE_CODES)).toBe('invalid_date_range');
    expect(codeOf({ limit: '1', start_date: '2024-01-01' }, { '': 'invalid_date_range' })).toBe('invalid_date_range');
    expect(codeOf({ limit: 'five' }, DATE_RANGE_CODES)).toBe('invalid_limit');
  });
});
