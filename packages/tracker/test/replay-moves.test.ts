import { describe, expect, it } from 'vitest';
import type { ReplayClientConfig } from '@tidemark/core';
import { chromiumUnavailable } from './helpers/browser';
import { installedAndShipped } from './helpers/recorder';

/**
 * The pointer move observer's correction (src/node/rrweb-patch.ts, 6) in Chromium: the pointer crosses the
 * page's elements, once slowly (every move far apart in time: each is recorded) and once in quick bursts
 * (rrweb's 100 ms sampling keeps the first move of each). The recorder as shipped records what @rrweb/record
 * as installed records: the same positions on the same nodes, one move event per kept position.
 */
const unavailable = chromiumUnavailable();
const cfg: ReplayClientConfig = { consent: false, maskAllText: false, mask: [], block: [], exclude: [], maxBytes: 1e7 };

const html = `<!doctype html><html><head><meta charset="utf-8"><script src="/record.js"></script></head>
<body style="margin:0"><div id="left" style="position:absolute;left:0;top:0;width:300px;height:600px">left</div>
<button id="right" style="position:absolute;left:400px;top:100px;width:300px;height:200px">right</button></body></html>`;

/** The pointer's way: over the left block, then over the button. */
const path = [
  [50, 50],
  [150, 300],
  [250, 500],
  [450, 150],
  [600, 250],
  [700, 550],
] as const;

interface Move {
  x: number;
  y: number;
  /** The recorded node's element id, from the full snapshot ('' for another node). */
  node: string;
}

describe.skipIf(unavailable)('the recorder’s pointer move observer', () => {
  const suite = installedAndShipped(html);

  async function visit(variant: keyof typeof suite.bundles, burst: boolean): Promise<{ moves: Move[]; events: number }> {
    const { ctx, tab } = await suite.pages.tab(suite.bundles[variant], { viewport: { width: 800, height: 600 } });
    try {
      await tab.goto(suite.pages.origin);
      await tab.evaluate((c) => (window as any).startRecording(c), cfg);
      for (const [x, y] of path) {
        if (burst) {
          // Five moves within a few milliseconds, then a pause past the sampling interval.
          await tab.mouse.move(x, y, { steps: 5 });
          await tab.waitForTimeout(250);
        } else {
          await tab.mouse.move(x, y);
          await tab.waitForTimeout(150);
        }
      }
      const events = (await tab.evaluate(() => (window as any).recorded)) as Array<{ type: number; data: any }>;
      const names = new Map<number, string>();
      (function walk(n: any) {
        names.set(n.id, n.attributes?.id ?? '');
        for (const c of n.childNodes ?? []) walk(c);
      })(events.find((e) => e.type === 2)!.data.node);
      // Incremental snapshots from the mouse move source (1).
      const moveEvents = events.filter((e) => e.type === 3 && e.data.source === 1);
      const moves = moveEvents.flatMap((e) => e.data.positions.map((p: any) => ({ x: p.x, y: p.y, node: names.get(p.id) ?? '?' })));
      return { moves, events: moveEvents.length };
    } finally {
      await ctx.close();
    }
  }

  it('records the same positions on the same nodes as rrweb, slowly and in bursts', async () => {
    for (const burst of [false, true]) {
      const installed = await visit('installed', burst);
      const shipped = await visit('shipped', burst);
      expect(shipped.moves).toEqual(installed.moves);
      // The pointer was over both elements, and each kept position is one event (no gathering behind a timer).
      expect(shipped.moves.map((m) => m.node)).toEqual(expect.arrayContaining(['left', 'right']));
      expect(shipped.events).toBe(shipped.moves.length);
      // Slowly: every move kept; in bursts: the first of each burst.
      expect(shipped.moves).toHaveLength(path.length);
    }
  }, 60_000);
});
