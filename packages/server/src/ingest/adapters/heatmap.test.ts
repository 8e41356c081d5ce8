import { describe, expect, it } from 'vitest';
import { heatmapBodySchema } from '@tidemark/core';
import { adaptHeatmap } from './heatmap';

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
});
