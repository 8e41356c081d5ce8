import { describe, expect, it } from 'vitest';
import { dayRuns, localDays, unbuiltSpans } from './grid';

describe('heatmap grid days', () => {
  it('joins neighbouring local days into runs, across a daylight-saving change, and splits at a gap', () => {
    const days = localDays('2026-03-27', '2026-04-02', 'Europe/Berlin'); // 29 March has 23 hours
    expect(days.map((d) => (d.endMs - d.startMs) / 3_600_000)).toEqual([24, 24, 23, 24, 24, 24, 24]);
    const starts = days.map((d) => d.startMs);
    expect(dayRuns(starts)).toEqual([[starts[0], starts[6]]]);
    const gap = starts.filter((_, i) => i !== 3);
    expect(dayRuns(gap)).toEqual([
      [starts[0], starts[2]],
      [starts[4], starts[6]],
    ]);
    // The days not built are read from the raw samples: here the fourth, as one span of its own hours.
    expect(unbuiltSpans(days, new Set(gap))).toEqual([[days[3]!.startMs, days[3]!.endMs]]);
  });
});
