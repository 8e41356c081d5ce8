import { describe, expect, it } from 'vitest';
import { parseQuery, type QueryInput } from '@tidemark/core';
import { build } from './build';
import { labelsUsed } from './labels';
import { optimize, type AvailableRollups } from './optimize';

const ctx = { defaultTimezone: 'UTC', nowMs: Date.parse('2024-01-17T12:00:00Z') };
const all: AvailableRollups = { fragments: true, marks: true, dayZone: 'UTC' };
const source = (q: Partial<QueryInput>) =>
  optimize(build(parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['visitors'], ...q }), ctx), all).source;

describe('person labels in the stats engine', () => {
  it('are read from raw events only: no rollup keeps a visitor id’s labels', () => {
    // The same query without labels reads a rollup; with them, raw events.
    expect(source({ dimensions: ['source'] })).not.toBe('events');
    expect(source({ dimensions: ['segment'] })).toBe('events');
    expect(source({ dimensions: ['score'] })).toBe('events');
    expect(source({ filters: [['is', 'segment', ['s1']]] })).toBe('events');
    expect(source({ dimensions: ['source'], filters: [['is', 'score', ['80-100']]], metrics: ['visitors', 'sessions'] })).toBe('events');
  });

  it('are found in dimensions and nested filters', () => {
    expect(labelsUsed(['page'], [['and', ['is', 'page', ['/']], ['not', ['is', 'score', ['0-19']]]]])).toBe(true);
    expect(labelsUsed(['segment'], [])).toBe(true);
    expect(labelsUsed(['page', 'trait:plan'], [['is', 'country', ['DE']]])).toBe(false);
  });

  it('refuse page-view and revenue metrics, which are not read from event rows', () => {
    expect(() =>
      build(parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['avg_time'], dimensions: ['segment'] }), ctx),
    ).toThrow(/segment and score are not available for avg_time/);
    expect(() =>
      build(
        parseQuery({ site_id: 's', date_range: 'last_7_days', metrics: ['total_revenue'], filters: [['is', 'score', ['80-100']]] }),
        ctx,
      ),
    ).toThrow(/total_revenue/);
  });
});
