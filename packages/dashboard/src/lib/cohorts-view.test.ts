import { describe, expect, it } from 'vitest';
import { cohortParams, heat, parseCohortsView, serializeCohortsView } from './cohorts-view';

describe('cohorts view in the URL', () => {
  it('round-trips and becomes API parameters', () => {
    const s = parseCohortsView('?interval=month&by=source&unit=people&metric=conversion&goal=g1&from=2024-01-01&to=2024-03-31');
    expect(parseCohortsView(serializeCohortsView(s))).toEqual(s);
    expect(cohortParams(s)).toEqual({
      interval: 'month',
      by: 'source',
      unit: 'people',
      goal: 'g1',
      period: 'custom',
      start_date: '2024-01-01',
      end_date: '2024-03-31',
    });
  });

  it('groups by a trait key', () => {
    const s = parseCohortsView('?by=trait:plan');
    expect(s.by).toBe('trait:plan');
    expect(parseCohortsView(serializeCohortsView(s))).toEqual(s);
    expect(cohortParams(s).by).toBe('trait:plan');
    expect(parseCohortsView("?by=trait:a'b").by).toBe('first_visit');
  });

  it('falls back to weekly retention by first visit over the last 12 months', () => {
    const s = parseCohortsView('?interval=year&by=x&unit=y&from=bad');
    expect(s).toEqual({ interval: 'week', by: 'first_visit', unit: null, metric: 'retention', goal: null, from: null, to: null });
    expect(serializeCohortsView(s)).toBe('');
    expect(cohortParams(s).period).toBe('last_12_months');
    expect([heat(0), heat(100), heat(400)]).toEqual([0, 1, 1]);
  });
});
