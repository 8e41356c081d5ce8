import { describe, expect, it } from 'vitest';
import { parseQuery, type QueryInput } from '@tidemark/core';
import { build } from './build';
import { optimize, simplify, sourceFor, withSharedSource, type AvailableRollups } from './optimize';

const ctx = { defaultTimezone: 'UTC', nowMs: Date.parse('2024-01-17T12:00:00Z') };
const plan = (q: Partial<QueryInput>) =>
  optimize(build(parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['visitors'], ...q }), ctx));
const sources = (q: Partial<QueryInput>) => {
  const p = plan(q);
  return [p.eventSource, p.sessionSource, p.merged];
};

describe('optimize: row sources', () => {
  it('plain event scan for event metrics with event-level dimensions and filters', () => {
    expect(sources({ metrics: ['visitors', 'pageviews'], dimensions: ['page'], filters: [['is', 'event_name', ['x']]] })).toEqual([
      'events',
      null,
      false,
    ]);
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

describe('optimize: the table rows are read from', () => {
  const all: AvailableRollups = { fragments: true, marks: true, dayZone: 'UTC' };
  const source = (q: Partial<QueryInput>, rollups: AvailableRollups = all) => {
    const p = optimize(build(parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['visitors'], ...q }), ctx), rollups);
    return [p.source, p.compareSource];
  };
  it('raw events when no rollup is available', () => {
    expect(source({ metrics: ['visitors', 'sessions'], compare: true }, { fragments: false, marks: false, dayZone: null })).toEqual([
      'events',
      'events',
    ]);
  });
  it('the daily cube for KPIs, session breakdowns and daily timeseries over whole local days of its zone', () => {
    expect(source({ metrics: ['visitors', 'sessions'], compare: true })).toEqual(['marks_daily', 'marks_daily']);
    expect(source({ dimensions: ['source'] })).toEqual(['marks_daily', null]);
    expect(source({ interval: 'day' })).toEqual(['marks_daily', null]);
  });
  it('the hourly cube for hourly buckets, for pages, and when the daily cube is not complete in the zone', () => {
    expect(source({ interval: 'hour', date_range: 'today' })).toEqual(['marks_hourly', null]);
    expect(source({ dimensions: ['page'] })).toEqual(['marks_hourly', null]);
    expect(source({ metrics: ['visitors'] }, { ...all, dayZone: 'Europe/Berlin' })).toEqual(['marks_hourly', null]);
    expect(source({ metrics: ['visitors'] }, { ...all, dayZone: null })).toEqual(['marks_hourly', null]);
  });
  it('fragments when marks do not serve (filters, two dimensions) or are switched off', () => {
    expect(source({ filters: [['is', 'country', ['US']]] })).toEqual(['fragments', null]);
    expect(source({ dimensions: ['country', 'device'] })).toEqual(['fragments', null]);
    expect(source({ dimensions: ['source'], interval: 'day' })).toEqual(['fragments', null]);
    expect(source({}, { ...all, marks: false })).toEqual(['fragments', null]);
  });
  it('raw events for event filters, event-level dimensions but page, and periods off whole UTC hours', () => {
    expect(source({ filters: [['is', 'page', ['/a']]] })).toEqual(['events', null]);
    expect(source({ dimensions: ['props:plan'] })).toEqual(['events', null]);
    expect(source({ dimensions: ['event_name'] })).toEqual(['events', null]);
    expect(source({ timezone: 'Asia/Kolkata' })).toEqual(['events', null]);
  });
  it('renders a plan only for the periods it chose a source for', () => {
    const p = optimize(build(parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['visitors'], compare: true }), ctx), all);
    expect(sourceFor(p, p.range)).toBe('marks_daily');
    expect(sourceFor(p, { ...p.compareRange! })).toBe('marks_daily');
    expect(() => sourceFor(p, { ...p.range, startMs: p.range.startMs - 3_600_000 })).toThrow(/no row source/);
    const plain = plan({});
    expect(sourceFor(plain, { ...plain.range, startMs: plain.range.startMs - 1800_000 })).toBe('events');
  });
  it('plans sharing one statement read one source: fragments when marks serve only some', () => {
    const a = { ...plan({}), source: 'marks_daily' as const };
    const b = { ...plan({ dimensions: ['source'] }), source: 'fragments' as const };
    expect(withSharedSource([a, b]).map((p) => p.source)).toEqual(['fragments', 'fragments']);
    expect(withSharedSource([a, { ...b, source: 'marks_daily' }]).map((p) => p.source)).toEqual(['marks_daily', 'marks_daily']);
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
    expect(simplify(['and', ['and', ['is', 'page', ['/a', '/a']], ['is', 'page', ['/b']]]])).toEqual([
      'and',
      ['is', 'page', ['/a']],
      ['is', 'page', ['/b']],
    ]);
    expect(simplify(['not', ['not', ['is', 'page', ['/a']]]])).toEqual(['is', 'page', ['/a']]);
    expect(simplify(['or', ['or', ['is', 'page', ['/a']]], ['is', 'page', ['/b']]])).toEqual([
      'or',
      ['is', 'page', ['/a']],
      ['is', 'page', ['/b']],
    ]);
  });
});
