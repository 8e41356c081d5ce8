import { describe, expect, it } from 'vitest';
import { parseVitalsView, serializeVitalsView } from './vitals-view';
import { ratingOf } from './vitals';

describe('web vitals view in the URL', () => {
  it('round-trips the chosen vital, the breakdown and the overview filters', () => {
    const s = parseVitalsView('?period=last_7_days&f=country:DE&vital=inp&by=browser');
    expect(s).toMatchObject({ vital: 'inp', by: 'browser' });
    expect(s.view.filters).toEqual([{ dimension: 'country', op: 'is', values: ['DE'] }]);
    expect(parseVitalsView(serializeVitalsView(s))).toEqual(s);
  });

  it('falls back to LCP by page and leaves the defaults out of the URL', () => {
    const s = parseVitalsView('?vital=fid&by=visitor_id');
    expect(s).toMatchObject({ vital: 'lcp', by: 'page' });
    expect(serializeVitalsView(s)).toBe('');
  });

  it('rates a p75 at the thresholds it is given (good up to and including good, poor above poor)', () => {
    const t = {
      lcp: { good: 2500, poor: 4000 },
      inp: { good: 200, poor: 500 },
      cls: { good: 0.1, poor: 0.25 },
      fcp: { good: 1800, poor: 3000 },
      ttfb: { good: 800, poor: 1800 },
    };
    expect([2500, 2501, 4000, 4001].map((v) => ratingOf(t, 'lcp', v))).toEqual(['good', 'needs-improvement', 'needs-improvement', 'poor']);
  });
});
