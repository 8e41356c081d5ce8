import { describe, expect, it } from 'vitest';
import { fitLabel } from './Sankey';

describe('Sankey labels', () => {
  it('keep the count and cut the name to the room they have', () => {
    expect(fitLabel('/pricing', '233', 40)).toBe('/pricing (233)');
    const cut = fitLabel('/docs/getting-started/installation', '126', 24);
    expect(cut).toBe('/docs/getting-sta… (126)');
    expect(cut.length).toBe(24);
    expect(fitLabel('/a-very-long-path', '1,234', 4)).toBe('/… (1,234)');
  });
});
