import { describe, expect, it } from 'vitest';
import type { ReplayClientConfig } from '@tidemark/core';
import { chromiumUnavailable } from './helpers/browser';
import { installedAndShipped } from './helpers/recorder';

/**
 * The scroll observer's correction (src/node/rrweb-patch.ts, 4) in Chromium: the page and an element are
 * scrolled by the wheel, instantly and smoothly by script, several times within the sampling interval; the
 * recorder as shipped ends each target on the position the page ended on, as @rrweb/record as installed
 * does, without the throttle's trailing timers (the browser's `scrollend` gives the final position), and
 * without recording a node's position twice in a row.
 */
const unavailable = chromiumUnavailable();
const cfg: ReplayClientConfig = { consent: false, maskAllText: false, mask: [], block: [], exclude: [], maxBytes: 1e7 };

const html = `<!doctype html><html><head><meta charset="utf-8"><script src="/record.js"></script></head>
<body><div id="box" style="height:120px;overflow:auto"><div style="height:3000px">inner</div></div>
<div style="height:6000px">tall page</div></body></html>`;

interface Visit {
  /** The last recorded position of each scrolled node, by its id. */
  last: Record<number, { x: number; y: number }>;
  /** Recorded positions equal to the one recorded just before for the same node. */
  repeats: number;
  /** The positions the page ended on: the document's and the box's, with their ids. */
  actual: Record<number, { x: number; y: number }>;
  /** Timers the recorder set while the page scrolled. */
  timers: number;
}

describe.skipIf(unavailable)('the recorder’s scroll observer', () => {
  const suite = installedAndShipped(html);

  async function visit(variant: keyof typeof suite.bundles): Promise<Visit> {
    const { ctx, tab } = await suite.pages.tab(suite.bundles[variant], { viewport: { width: 800, height: 600 } });
    try {
      await tab.goto(suite.pages.origin);
      await tab.evaluate((c) => (window as any).startRecording(c), cfg);
      // Counts the timers set from here on (the page sets none of its own).
      await tab.evaluate(() => {
        const set = window.setTimeout;
        (window as any).timers = 0;
        (window as any).setTimeout = (...args: Parameters<typeof setTimeout>) => {
          (window as any).timers++;
          return set(...args);
        };
      });
      // The wheel over the page, three turns close together; then over the box.
      await tab.mouse.move(400, 400);
      for (let i = 0; i < 3; i++) await tab.mouse.wheel(0, 400);
      await tab.waitForTimeout(400);
      await tab.mouse.move(100, 50);
      for (let i = 0; i < 2; i++) await tab.mouse.wheel(0, 250);
      await tab.waitForTimeout(400);
      // Script: two instant scrolls of the box within the sampling interval, then a smooth one of the page.
      await tab.evaluate(() => {
        const box = document.getElementById('box')!;
        box.scrollTop = 700;
        box.scrollTop = 910;
        window.scrollTo({ top: 2345, behavior: 'smooth' });
      });
      await tab.waitForTimeout(1200);
      const timers = (await tab.evaluate(() => (window as any).timers)) as number;
      const events = (await tab.evaluate(() => (window as any).recorded)) as Array<{ type: number; data: any }>;
      const full = events.find((e) => e.type === 2)!.data;
      const boxId = (function find(n: any): number | undefined {
        if (n.attributes?.id === 'box') return n.id;
        for (const c of n.childNodes ?? []) {
          const id = find(c);
          if (id !== undefined) return id;
        }
        return undefined;
      })(full.node)!;
      const last: Visit['last'] = {};
      let repeats = 0;
      // Incremental snapshots from the scroll source (3).
      for (const e of events)
        if (e.type === 3 && e.data.source === 3) {
          const before = last[e.data.id];
          if (before && before.x === e.data.x && before.y === e.data.y) repeats++;
          last[e.data.id] = { x: e.data.x, y: e.data.y };
        }
      const actual = (await tab.evaluate(() => ({
        page: { x: scrollX, y: scrollY },
        box: { x: document.getElementById('box')!.scrollLeft, y: document.getElementById('box')!.scrollTop },
      }))) as { page: { x: number; y: number }; box: { x: number; y: number } };
      return { last, repeats, actual: { [full.node.id]: actual.page, [boxId]: actual.box }, timers };
    } finally {
      await ctx.close();
    }
  }

  it('ends each scrolled target on the position the page ended on, as rrweb does, with no trailing timers', async () => {
    const installed = await visit('installed');
    const shipped = await visit('shipped');
    for (const v of [installed, shipped]) {
      // Both the document and the box were scrolled, and each one's last recorded position is where it ended.
      expect(Object.keys(v.last).sort()).toEqual(Object.keys(v.actual).sort());
      expect(v.last).toEqual(v.actual);
      expect(Object.values(v.actual).map((p) => p.y)).toEqual(expect.arrayContaining([910, 2345]));
    }
    // rrweb as installed leaves a trailing call behind throttled scroll events; the shipped recorder none.
    expect(installed.timers).toBeGreaterThan(0);
    expect(shipped.timers).toBe(0);
    // Two instant scrolls of the box in one frame make one scroll event, whose position scrollend gives
    // again: the shipped recorder records it once.
    expect(shipped.repeats).toBe(0);
  }, 60_000);
});
