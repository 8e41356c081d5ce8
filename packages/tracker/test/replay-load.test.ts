import { describe, expect, it } from 'vitest';
import type { ReplayClientConfig } from '@tidemark/core';
import { chromiumUnavailable } from './helpers/browser';
import { installedAndShipped } from './helpers/recorder';

/**
 * The canvas worker's correction (src/node/rrweb-patch.ts, 5) in Chromium: @rrweb/record as installed
 * builds a Blob of its canvas worker's code as soon as it loads, a synchronous call to the browser's blob
 * registry on every page; the recorder as shipped, which never records canvas, builds none and records all
 * the same.
 */
const unavailable = chromiumUnavailable();
const cfg: ReplayClientConfig = { consent: false, maskAllText: false, mask: [], block: [], exclude: [], maxBytes: 1e7 };
const html = `<!doctype html><html><head><meta charset="utf-8"><script src="/record.js"></script></head>
<body><h1>Loaded</h1><canvas width="40" height="40"></canvas><p>text</p></body></html>`;

describe.skipIf(unavailable)('the recorder’s load', () => {
  const suite = installedAndShipped(html);

  async function blobsMade(variant: keyof typeof suite.bundles): Promise<{ blobs: number; snapshots: number }> {
    const { ctx, tab } = await suite.pages.tab(suite.bundles[variant]);
    try {
      // Counts the Blobs the page's scripts construct from before the recorder loads.
      await tab.addInitScript(() => {
        const Original = window.Blob;
        (window as any).blobs = 0;
        window.Blob = class extends Original {
          constructor(...args: ConstructorParameters<typeof Blob>) {
            super(...args);
            (window as any).blobs++;
          }
        };
      });
      await tab.goto(suite.pages.origin);
      await tab.evaluate((c) => (window as any).startRecording(c), cfg);
      return (await tab.evaluate(() => ({
        blobs: (window as any).blobs as number,
        snapshots: ((window as any).recorded as Array<{ type: number }>).filter((e) => e.type === 2).length,
      }))) as { blobs: number; snapshots: number };
    } finally {
      await ctx.close();
    }
  }

  it('builds no Blob for the canvas worker it never starts, and still records the page', async () => {
    const installed = await blobsMade('installed');
    const shipped = await blobsMade('shipped');
    expect(installed.blobs).toBe(1);
    expect(shipped.blobs).toBe(0);
    expect(installed.snapshots).toBe(1);
    expect(shipped.snapshots).toBe(1);
  }, 60_000);
});
