import { describe, expect, it } from 'vitest';
import { parseQuery, type QueryInput } from '@tidemark/core';
import { build } from './build';
import { optimize, simplify } from './optimize';

const ctx = { defaultTimezone: 'UTC', nowMs: Date.parse('2024-01-17T12:00:00Z') };
const plan = (q: Partial<QueryInput>) => optimize(build(parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['visitors'], ...q }), ctx));
const sources = (q: Partial<QueryInput>) => {
  const p = plan(q);
  return [p.eventSource, p.sessionSource, p.merged];
};

describe('optimize: row sources', () => {
  it('plain event scan for event metrics with event-level dimensions and filters', () => {
    expect(sources({ metrics: ['visitors', 'pageviews'], dimensions: ['page'], filters: [['is', 'event_name', ['x']]] })).toEqual(['events', null, false]);
  });
  it('one pass over sessions for KPIs with session metrics', () => {
    expect(sources({ metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate'] })).toEqual(['sessions', 'sessions', true]);
  });
  it('one pass over sessions for session-level breakdowns', () => {
    expect(sources({ metrics: ['visitors'], dimensions: ['source'] })).toEqual(['sessions', null, true]);
  });
  it('events joined to sessions for a timeseries with a session filter', () => {
    expect(sources({ metrics: ['visitors'], interval: 'day', filters: [['is', 'country', ['US']]] })).toEqual(['join', null, false]);
  });
  it('two halves for a timeseries with session metrics', () => {
    expect(sources({ metrics: ['visitors', 'sessions'], interval: 'day' })).toEqual(['events', 'sessions', false]);
  });
  it('sessions joined to event values for session metrics by page', () => {
    expect(sources({ metrics: ['bounce_rate'], dimensions: ['page'] })).toEqual([null, 'join', false]);
  });
  it('page-view metrics alone need the session subquery only for session attributes', () => {
    expect(plan({ metrics: ['avg_time', 'scroll_depth'], dimensions: ['page'] }).needsSessionSubquery).toBe(false);
    expect(plan({ metrics: ['avg_time'], dimensions: ['source'] }).needsSessionSubquery).toBe(true);
    expect(plan({ metrics: ['scroll_depth'], filters: [['is', 'country', ['US']]] }).needsSessionSubquery).toBe(true);
  });
});

describe('optimize: order', () => {
  it('defaults to the first metric descending, then every key ascending', () => {
    expect(plan({ metrics: ['pageviews', 'visitors'], dimensions: ['page', 'country'] }).order).toEqual([
      { kind: 'metric', name: 'pageviews', dir: 'desc' },
      { kind: 'dimension', name: 'page', dir: 'asc' },
      { kind: 'dimension', name: 'country', dir: 'asc' },
    ]);
  });
  it('timeseries without dimensions are ordered by date and zero-filled', () => {
    const p = plan({ interval: 'day' });
    expect(p.zeroFill).toBe(true);
    expect(p.order).toEqual([{ kind: 'date', name: 'date', dir: 'asc' }]);
  });
  it('keeps explicit terms first and adds tie-breakers', () => {
    expect(plan({ dimensions: ['page'], order_by: [['page', 'desc']] }).order).toEqual([{ kind: 'dimension', name: 'page', dir: 'desc' }]);
  });
});

describe('optimize: filter rewrites', () => {
  it('flattens, unwraps, removes double negation and duplicate values', () => {
    expect(simplify(['and', ['and', ['is', 'page', ['/a', '/a']], ['is', 'page', ['/b']]]])).toEqual(['and', ['is', 'page', ['/a']], ['is', 'page', ['/b']]]);
    expect(simplify(['not', ['not', ['is', 'page', ['/a']]]])).toEqual(['is', 'page', ['/a']]);
    expect(simplify(['or', ['or', ['is', 'page', ['/a']]], ['is', 'page', ['/b']]])).toEqual(['or', ['is', 'page', ['/a']], ['is', 'page', ['/b']]]);
  });
});
