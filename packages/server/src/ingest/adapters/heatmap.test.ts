import { describe, expect, it } from 'vitest';
import { heatmapBodySchema } from '@tidemark/core';
import { adaptHeatmap, plainSample } from './heatmap';
import { heatmapSampleSchema } from '@tidemark/core';

describe('heatmap adapter (InsightHub PRD §7.1.2)', () => {
  it('maps clicks, moves and scrolls to heatmap events', () => {
    const body = heatmapBodySchema.parse({
      site_id: 'TM-1',
      page_url: 'https://example.com/pricing',
      page_url_hash: 'abc123',
      viewport: { width: 1920, height: 1080 },
      page_height: 3500,
      events: [
        { type: 'click', x: 500.6, y: 300, element: 'button.cta' },
        { type: 'move', x: 10, y: 20, timestamp: 1703704800000 },
        { type: 'scroll', depth: 75 },
        { type: 'hover', x: 1 },
        { type: 'click', x: -5, y: 1 },
      ],
    });
    const r = adaptHeatmap(body, 'site-1', 1703704801000);
    expect(r.events.map((e) => [e.name, e.x, e.y, e.selector, e.scroll_depth])).toEqual([
      ['heatmap_click', 501, 300, 'button.cta', null],
      ['heatmap_move', 10, 20, '', null],
      ['heatmap_scroll', null, null, '', 75],
    ]);
    expect(r.events[0]).toMatchObject({
      url: 'https://example.com/pricing',
      viewport_w: 1920,
      viewport_h: 1080,
      props: { page_height: '3500' },
    });
    expect(r.events[1].client_ts).toBe(1703704800000);
    expect(r.rejected.map((x) => x.reason)).toEqual(['invalid_event', 'invalid_event']);
  });

  it('reads plain samples by hand exactly as the schema does, and leaves everything else to it', () => {
    const fields = {
      type: ['click', 'move', 'scroll', 'hover', 1, undefined],
      x: [undefined, null, 0, 12.5, 1_000_000, 1_000_001, -1, Number.NaN, Number.POSITIVE_INFINITY, '5'],
      y: [undefined, null, 0, 10_000_000, 10_000_001, -0.5],
      element: [undefined, null, '', 'a#b', 'x'.repeat(300), 'x'.repeat(301), 3],
      depth: [undefined, null, 0, 100, 101],
      timestamp: [undefined, null, 1703704800000, -1, '', '2024-01-01T00:00:00Z', 'not a time', 'x'.repeat(65)],
      event_id: [undefined, null, '0190b000-0000-7000-8000-00000000b001'],
    } as const;
    let plain = 0;
    // Every value of each field against a valid base sample (one field varied at a time).
    const base = { type: 'click', x: 10, y: 20, element: 'a', depth: 5, timestamp: 1703704800000 };
    for (const [key, values] of Object.entries(fields))
      for (const value of values) {
        const input = { ...base, [key]: value, extra: 'ignored' };
        const fast = plainSample(input);
        const schema = heatmapSampleSchema.safeParse(input);
        if (!fast) continue;
        plain++;
        expect(schema.success, JSON.stringify(input)).toBe(true);
        for (const k of Object.keys(fields))
          expect((fast.data as Record<string, unknown>)[k], k).toEqual((schema.data as Record<string, unknown>)[k]);
      }
    expect(plain).toBeGreaterThan(20);
    // Not objects: the schema decides (and reports).
    for (const input of [null, [], 'click', 5]) expect(plainSample(input)).toBeNull();
  });
});
