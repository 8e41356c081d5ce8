import { describe, expect, it } from 'vitest';
import { audienceInputSchema, csvCell } from './audiences';

describe('csvCell', () => {
  it('makes formula-looking text inert and quotes as RFC 4180 says', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('plain')).toBe('plain');
    // Numbers are written as numbers: a negative revenue stays a number.
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(null)).toBe('');
  });
});

describe('audienceInputSchema', () => {
  it('fills defaults and refuses unknown predicates', () => {
    const a = audienceInputSchema.parse({ name: ' Pro ', definition: {} });
    expect(a).toEqual({ name: 'Pro', definition: { filters: [], period: 'last_30_days', predicates: [] }, targets: {} });
    expect(audienceInputSchema.safeParse({ name: 'x', definition: { predicates: [{ type: 'mood' }] } }).success).toBe(false);
  });
});
