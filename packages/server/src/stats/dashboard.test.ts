import { describe, expect, it } from 'vitest';
import { parseFilterParam } from './dashboard';

const nest = (levels: number): unknown => (levels === 1 ? ['is', 'page', ['/a']] : ['not', nest(levels - 1)]);

describe('dashboard filters parameter', () => {
  it('has the limits of POST /v1/query: 6 levels, 30 conditions', () => {
    expect(parseFilterParam(JSON.stringify(nest(6)))).toEqual([nest(6)]);
    expect(parseFilterParam(JSON.stringify([nest(6), nest(1)]))).toHaveLength(2);
    for (const f of [nest(7), [nest(7)], ['or', ...Array.from({ length: 31 }, () => nest(1))]]) {
      expect(() => parseFilterParam(JSON.stringify(f))).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
    }
  });

  it('refuses trees thousands deep with a 400', () => {
    const text = '["not",'.repeat(900) + '["is","page",["/"]]' + ']'.repeat(900);
    expect(text.length).toBeLessThanOrEqual(8000);
    expect(() => parseFilterParam(text)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
  });
});
