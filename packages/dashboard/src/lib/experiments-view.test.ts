import { describe, expect, it } from 'vitest';
import { formatP, formatSigned, parseExperimentsView, parseVariants, serializeExperimentsView } from './experiments-view';

describe('experiments view', () => {
  it('round-trips the selected experiment through the URL', () => {
    expect(parseExperimentsView(serializeExperimentsView({ selected: 'abc-1' }))).toEqual({ selected: 'abc-1' });
    expect(parseExperimentsView('')).toEqual({ selected: null });
  });
  it('reads variants with and without weights', () => {
    expect(parseVariants('control:50, b:30 ,c')).toEqual([
      { key: 'control', weight: 50 },
      { key: 'b', weight: 30 },
      { key: 'c', weight: 1 },
    ]);
    expect(parseVariants(' , ')).toEqual([]);
  });
  it('formats signed uplifts and p-values', () => {
    expect(formatSigned(12.345)).toBe('+12.3 %');
    expect(formatSigned(-4)).toBe('−4.0 %');
    expect(formatSigned(null)).toBe('—');
    expect(formatP(0.0004)).toBe('< 0.001');
    expect(formatP(0.04567)).toBe('0.046');
  });
});
