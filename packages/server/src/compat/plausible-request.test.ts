import { describe, expect, it } from 'vitest';
import { TidemarkError } from '@tidemark/core';
import { mapDateRange, mapDimension, mapFilter, mapMetric } from './plausible-request';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TidemarkError);
    expect((err as TidemarkError).status).toBe(400);
    return (err as TidemarkError).message;
  }
  throw new Error('expected a 400');
};

describe('Plausible v2 request mapping', () => {
  it('maps named date ranges over local dates as Plausible counts them', () => {
    const today = '2026-03-15';
    expect(mapDateRange('day', today, '2020-01-01')).toEqual({ start: today, end: today });
    expect(mapDateRange('7d', today, '2020-01-01')).toEqual({ start: '2026-03-09', end: today });
    expect(mapDateRange('30d', today, '2020-01-01')).toEqual({ start: '2026-02-13', end: today });
    expect(mapDateRange('month', today, '2020-01-01')).toEqual({ start: '2026-03-01', end: '2026-03-31' });
    expect(mapDateRange('6mo', today, '2020-01-01')).toEqual({ start: '2025-10-01', end: '2026-03-31' });
    expect(mapDateRange('12mo', today, '2020-01-01')).toEqual({ start: '2025-04-01', end: '2026-03-31' });
    expect(mapDateRange('year', today, '2020-01-01')).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    expect(mapDateRange('all', today, '2024-06-02')).toEqual({ start: '2024-06-02', end: today });
    expect(mapDateRange(['2026-01-01', '2026-01-31'], today, '2020-01-01')).toEqual({ start: '2026-01-01', end: '2026-01-31' });
    expect(mapDateRange('month', '2024-02-10', '2020-01-01')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(refused(() => mapDateRange(['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'], today, today))).toMatch(/date-times/);
    expect(refused(() => mapDateRange('realtime', today, today))).toMatch(/realtime/);
    expect(refused(() => mapDateRange('3d', today, today))).toMatch(/Invalid/);
  });

  it('renames metrics and dimensions, refusing what has no counterpart', () => {
    expect(mapMetric('visits')).toBe('sessions');
    expect(mapMetric('visit_duration')).toBe('avg_duration');
    expect(mapMetric('time_on_page')).toBe('avg_time');
    expect(refused(() => mapMetric('total_revenue'))).toMatch(/total_revenue/);
    expect(mapDimension('visit:utm_campaign')).toBe('campaign');
    expect(mapDimension('event:props:plan')).toBe('props:plan');
    expect(refused(() => mapDimension('event:props:a"b'))).toMatch(/property/);
    expect(refused(() => mapDimension('visit:country_name'))).toMatch(/country_name/);
  });

  it('translates filters, negations and logic; refuses behavioural filters and case-insensitive matching', () => {
    expect(mapFilter(['is', 'event:page', ['/a', '/b']])).toEqual(['is', 'page', ['/a', '/b']]);
    expect(mapFilter(['contains_not', 'visit:source', ['goo']])).toEqual(['not', ['contains', 'source', ['goo']]]);
    expect(mapFilter(['matches_not', 'event:page', ['^/x']])).toEqual(['not', ['matches', 'page', ['^/x']]]);
    expect(
      mapFilter([
        'and',
        [
          ['is', 'visit:country', ['DE']],
          ['not', ['is', 'event:name', ['x']]],
        ],
      ]),
    ).toEqual(['and', ['is', 'country', ['DE']], ['not', ['is', 'event_name', ['x']]]]);
    expect(mapFilter(['is', 'event:page', ['/'], { case_sensitive: true }])).toEqual(['is', 'page', ['/']]);
    expect(mapFilter(['is', 'event:props:n', [5]])).toEqual(['is', 'props:n', ['5']]);
    expect(refused(() => mapFilter(['has_done', 'event:name', ['x']]))).toMatch(/has_done/);
    expect(refused(() => mapFilter(['is', 'event:page', ['/'], { case_sensitive: false }]))).toMatch(/modifiers/);
    expect(refused(() => mapFilter(['is', 'segment', [1]]))).toMatch(/segment/);
    expect(refused(() => mapFilter(['is', 'event:page', []]))).toMatch(/values/);
    expect(refused(() => mapFilter(['and', []]))).toMatch(/non-empty/);
    expect(refused(() => mapFilter('x'))).toMatch(/Invalid filter/);
    const deep = Array.from({ length: 10 }).reduce<unknown>((f) => ['not', f], ['is', 'event:page', ['/']]);
    expect(refused(() => mapFilter(deep))).toMatch(/deep/);
  });
});
