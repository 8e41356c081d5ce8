import { describe, expect, it } from 'vitest';
import { isValidTimezone, parseQuery } from './query';

const base = { site_id: 's', date_range: 'today', metrics: ['visitors'] };

describe('Query schema', () => {
  it('applies defaults and canonical metric names', () => {
    expect(parseQuery({ ...base, metrics: ['visit_duration', 'duration', 'pageviews'] })).toEqual({
      ...base,
      metrics: ['avg_duration', 'avg_duration', 'pageviews'],
      dimensions: [],
      limit: 100,
      offset: 0,
    });
  });

  it('accepts filter trees and lists', () => {
    const tree = ['and', ['is', 'page', ['/a']], ['or', ['contains', 'props:plan', ['pro']], ['not', ['matches', 'source', ['^G']]]]];
    expect(parseQuery({ ...base, filters: tree }).filters).toEqual(tree);
    expect(
      parseQuery({
        ...base,
        filters: [
          ['is', 'page', ['/a']],
          ['is_not', 'country', ['US']],
        ],
      }).filters,
    ).toHaveLength(2);
  });

  it('refuses malformed filters with invalid_filter', () => {
    for (const filters of [
      ['or'],
      ['not'],
      ['is', 'page', []],
      ['is', 'page', '/a'],
      ['xor', ['is', 'page', ['/a']]],
      ['is', 'page', [1]],
    ]) {
      expect(() => parseQuery({ ...base, filters }), JSON.stringify(filters)).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid_filter' }),
      );
    }
  });

  it('limits filter depth and size', () => {
    let deep: unknown = ['is', 'page', ['/a']];
    for (let i = 0; i < 8; i++) deep = ['not', deep];
    expect(() => parseQuery({ ...base, filters: deep })).toThrow(expect.objectContaining({ code: 'invalid_filter' }));
    const wide = ['or', ...Array.from({ length: 31 }, (_, i) => ['is', 'page', [`/${i}`]])];
    expect(() => parseQuery({ ...base, filters: wide })).toThrow(expect.objectContaining({ code: 'invalid_filter' }));
  });

  it('takes trees exactly 6 deep, alone or listed, and refuses 7', () => {
    const nest = (levels: number): unknown => (levels === 1 ? ['is', 'page', ['/a']] : ['not', nest(levels - 1)]);
    expect(parseQuery({ ...base, filters: nest(6) }).filters).toEqual(nest(6));
    expect(parseQuery({ ...base, filters: [nest(6), nest(2)] }).filters).toHaveLength(2);
    for (const filters of [nest(7), [nest(7)], [nest(1), nest(7)]]) {
      expect(() => parseQuery({ ...base, filters })).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
    }
  });

  it('refuses trees thousands deep with a 400 before parsing them (no stack overflow)', () => {
    for (const levels of [1_000, 100_000]) {
      let deep: unknown = ['is', 'page', ['/a']];
      for (let i = 0; i < levels; i++) deep = ['and', deep, ['is', 'page', ['/b']]];
      expect(() => parseQuery({ ...base, filters: deep })).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
      expect(() => parseQuery({ ...base, filters: [deep] })).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
    }
    let arrays: unknown = [];
    for (let i = 0; i < 50_000; i++) arrays = [arrays];
    expect(() => parseQuery({ ...base, filters: arrays })).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
  });

  it('knows IANA timezones only', () => {
    expect(isValidTimezone('America/New_York')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('Etc/GMT+5')).toBe(true);
    for (const tz of ['+05:30', 'Nowhere/City', "UTC'--", '', 'America/New_York; DROP']) expect(isValidTimezone(tz), tz).toBe(false);
  });

  it('props keys follow a strict pattern', () => {
    expect(parseQuery({ ...base, dimensions: ['props:plan name', 'props:utm.x-1'] }).dimensions).toEqual([
      'props:plan name',
      'props:utm.x-1',
    ]);
    for (const d of ['props:', "props:a'b", 'props:a"b', 'props:a\\b', `props:${'k'.repeat(65)}`]) {
      expect(() => parseQuery({ ...base, dimensions: [d] }), d).toThrow(expect.objectContaining({ code: 'invalid_dimension' }));
    }
  });
});
