import { describe, expect, it } from 'vitest';
import { parseQuery, type QueryInput } from '@tidemark/core';
import { build } from './build';

const ctx = { defaultTimezone: 'America/New_York', nowMs: Date.parse('2024-01-17T12:00:00Z') };
const b = (q: Partial<QueryInput>) =>
  build(parseQuery({ site_id: 's', date_range: { start: '2024-01-15', end: '2024-01-16' }, metrics: ['visitors'], ...q }), ctx);

describe('build', () => {
  it('resolves the range in the site timezone unless the query names one', () => {
    expect(b({}).range).toMatchObject({ startMs: Date.parse('2024-01-15T05:00:00Z'), endMs: Date.parse('2024-01-17T05:00:00Z') });
    expect(b({ timezone: 'Asia/Kolkata' }).range.startMs).toBe(Date.parse('2024-01-14T18:30:00Z'));
  });

  it('adds the previous range when comparing', () => {
    expect(b({ compare: true }).compareRange).toMatchObject({ startDate: '2024-01-13', endDate: '2024-01-14' });
    expect(b({}).compareRange).toBeNull();
  });

  it('splits top-level "and" into event-level and session-level conjuncts', () => {
    const r = b({
      filters: [
        'and',
        ['is', 'page', ['/a']],
        ['is', 'country', ['US']],
        ['or', ['is', 'event_name', ['x']], ['contains', 'props:k', ['v']]],
      ],
    });
    expect(r.eventFilters).toEqual([
      ['is', 'page', ['/a']],
      ['or', ['is', 'event_name', ['x']], ['contains', 'props:k', ['v']]],
    ]);
    expect(r.sessionFilters).toEqual([['is', 'country', ['US']]]);
  });

  it('refuses or/not mixing event and session dimensions', () => {
    expect(() => b({ filters: ['or', ['is', 'page', ['/a']], ['is', 'country', ['US']]] })).toThrow(
      expect.objectContaining({ status: 400, code: 'mixed_filter_levels' }),
    );
    expect(() => b({ filters: ['not', ['and', ['is', 'page', ['/a']], ['is', 'source', ['x']]]] })).toThrow(
      expect.objectContaining({ code: 'mixed_filter_levels' }),
    );
  });

  it('checks order_by against what was asked', () => {
    expect(b({ metrics: ['visitors', 'pageviews'], dimensions: ['page'], order_by: [['page', 'asc']] }).orderBy).toEqual([
      { kind: 'dimension', name: 'page', dir: 'asc' },
    ]);
    expect(() => b({ order_by: [['pageviews', 'desc']] })).toThrow(expect.objectContaining({ code: 'invalid_order_by' }));
    expect(() => b({ order_by: [['visitors) --', 'desc']] })).toThrow(expect.objectContaining({ code: 'invalid_order_by' }));
    expect(() => b({ order_by: [['date', 'asc']] })).toThrow(expect.objectContaining({ code: 'invalid_order_by' }));
  });

  it('refuses regular expressions an RE2 engine cannot run', () => {
    for (const p of ['(?=x)', '(?<!x)y', '(a)\\1', '[', '']) {
      expect(() => b({ filters: [['matches', 'page', [p]]] })).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(b({ filters: [['matches', 'page', ['^/blog/[0-9]+$']]] }).eventFilters).toHaveLength(1);
  });

  it('refuses intervals with too many buckets', () => {
    expect(() => b({ date_range: { start: '2020-01-01', end: '2023-12-31' }, interval: 'hour' })).toThrow(
      expect.objectContaining({ code: 'too_many_buckets' }),
    );
  });
});
