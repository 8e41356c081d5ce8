import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle';
import { formatRetentionReport } from './report';

const DAY = 86_400_000;

describe('retention cutoff', () => {
  it("is the UTC midnight `days` days before today's, whatever the hour", () => {
    const today = Date.UTC(2025, 5, 10);
    for (const hour of [0, 1, 13, 23.99]) expect(Lifecycle.retentionCutoff(30, today + hour * 3_600_000)).toBe(today - 30 * DAY);
    expect(Lifecycle.retentionCutoff(1, today + 5)).toBe(today - DAY);
  });

  it('keeps everything younger than the retention', () => {
    const now = Date.UTC(2025, 5, 10, 23, 59);
    expect(now - Lifecycle.retentionCutoff(7, now)).toBeGreaterThanOrEqual(7 * DAY);
    expect(now - Lifecycle.retentionCutoff(7, now)).toBeLessThan(8 * DAY);
  });
});

describe('retention report', () => {
  it('prints one line per site with what went, and the deleted sites', () => {
    const text = formatRetentionReport({
      retention: [
        {
          site_id: 's1',
          name: 'Shop',
          retention_days: 30,
          cutoff: Date.UTC(2025, 4, 11),
          removed: { events: 120, quarantine: 0, raw: 3, drops: 2 },
        },
        { site_id: 's2', name: 'Blog', retention_days: 90, cutoff: Date.UTC(2025, 2, 12), removed: { events: 0 } },
      ],
      purges: [
        { site_id: 's3', removed: { events: 7 }, completed: false },
        { site_id: 's4', removed: {}, completed: true },
      ],
    });
    expect(text.split('\n')).toEqual([
      'Shop (s1): retention 30 d, before 2025-05-11: events 120, raw 3, drops 2',
      'Blog (s2): retention 90 d, before 2025-03-12: nothing',
      'deleted site s3: events 7',
      'deleted site s4: nothing (purge complete)',
    ]);
    expect(formatRetentionReport({ retention: [], purges: [] })).toMatch(/No site has a retention/);
    const failed = formatRetentionReport({
      retention: [],
      purges: [{ site_id: 's5', removed: {}, completed: false, error: 'ClickHouse unreachable' }],
    });
    expect(failed).toBe('deleted site s5: FAILED (ClickHouse unreachable)');
  });
});
