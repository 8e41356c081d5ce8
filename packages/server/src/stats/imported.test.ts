import { describe, expect, it } from 'vitest';
import { bucketOfDay, mergeBreakdown } from './imported';
import { AGG_ORDER, type Aggs } from './registry';
import { metricRow } from './run';

const aggs = (a: Partial<Aggs>): Aggs => ({ ...(Object.fromEntries(AGG_ORDER.map((k) => [k, 0])) as Aggs), ...a });

describe('imported data in the stats answer', () => {
  it('puts a day in the bucket period.ts makes for it (ISO weeks from Monday, months from the 1st)', () => {
    expect(bucketOfDay('2024-03-06', 'day')).toBe('2024-03-06');
    expect(bucketOfDay('2024-03-06', 'week')).toBe('2024-03-04');
    expect(bucketOfDay('2024-03-04', 'week')).toBe('2024-03-04');
    expect(bucketOfDay('2024-03-10', 'week')).toBe('2024-03-04');
    expect(bucketOfDay('2024-03-31', 'month')).toBe('2024-03-01');
    expect(bucketOfDay('2024-03-06', 'hour')).toBeNull();
  });

  it('adds imported rows to native ones of the same value, recomputes ratios, sorts and cuts again', () => {
    const native = [
      metricRow(['visitors', 'bounce_rate'], aggs({ visitors: 5, sessions: 4, bounces: 1 }), { source: 'Google' }),
      metricRow(['visitors', 'bounce_rate'], aggs({ visitors: 3, sessions: 3, bounces: 3 }), { source: '' }),
    ];
    const imported = new Map([
      ['', aggs({ visitors: 4, sessions: 1, bounces: 0 })],
      ['Bing', aggs({ visitors: 1, sessions: 1, bounces: 1 })],
      ['Ddg', aggs({ visitors: 1, sessions: 2, bounces: 0 })],
    ]);
    const rows = mergeBreakdown(native, 'source', ['visitors', 'bounce_rate'], imported, 3);
    expect(rows).toEqual([
      { source: '', visitors: 7, bounce_rate: 75 },
      { source: 'Google', visitors: 5, bounce_rate: 25 },
      { source: 'Bing', visitors: 1, bounce_rate: 100 },
    ]);
  });
});
