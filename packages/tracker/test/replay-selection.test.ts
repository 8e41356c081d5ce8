import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ReplayClientConfig } from '@tidemark/core';
import { chromiumUnavailable } from './helpers/browser';
import { installedAndShipped } from './helpers/recorder';

/**
 * The selection observer's correction (src/node/rrweb-patch.ts, 3) in Chromium: a person selects text, types
 * into fields and selects inside them; the recorder as shipped and @rrweb/record as installed record the same
 * selection events, and the shipped one no longer asks for the document's selection on the keys typed.
 */
const unavailable = chromiumUnavailable();
const cfg: ReplayClientConfig = { consent: false, maskAllText: false, mask: [], block: [], exclude: [], maxBytes: 1e7 };

const html = `<!doctype html><html><head><meta charset="utf-8"><script src="/record.js"></script></head>
<body><p id="para">Some words to select here</p><p id="other">Another line of words</p>
<input id="q"><textarea id="notes"></textarea></body></html>`;

interface Visit {
  selections: unknown[];
  /** Reads of Selection.isCollapsed while the person typed (the layout each one may force). */
  readsWhileTyping: number;
}

describe.skipIf(unavailable)('the recorder’s selection observer', () => {
  const suite = installedAndShipped(html);

  const settle = (tab: Page) => tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));

  async function visit(variant: keyof typeof suite.bundles): Promise<Visit> {
    const { ctx, tab } = await suite.pages.tab(suite.bundles[variant]);
    try {
      await tab.goto(suite.pages.origin);
      // Counts the recorder's reads of Selection.isCollapsed (the page itself reads none).
      await tab.evaluate(() => {
        const d = Object.getOwnPropertyDescriptor(Selection.prototype, 'isCollapsed')!;
        (window as any).reads = 0;
        Object.defineProperty(Selection.prototype, 'isCollapsed', {
          get() {
            (window as any).reads++;
            return d.get!.call(this);
          },
        });
      });
      await tab.evaluate((c) => (window as any).startRecording(c), cfg);
      await tab.locator('#para').dblclick();
      await settle(tab);
      await tab.locator('#q').click();
      await settle(tab);
      const before = (await tab.evaluate(() => (window as any).reads)) as number;
      await tab.locator('#q').pressSequentially('typed words', { delay: 20 });
      await tab.locator('#notes').click();
      await tab.locator('#notes').pressSequentially('more', { delay: 20 });
      await settle(tab);
      const readsWhileTyping = ((await tab.evaluate(() => (window as any).reads)) as number) - before;
      // A selection inside a field, then the document's own selection again, then none.
      await tab.keyboard.down('Shift');
      await tab.keyboard.press('ArrowLeft');
      await tab.keyboard.press('ArrowLeft');
      await tab.keyboard.up('Shift');
      await settle(tab);
      await tab.locator('#other').dblclick();
      await settle(tab);
      await tab.locator('#q').click();
      await settle(tab);
      const events = (await tab.evaluate(() => (window as any).recorded)) as Array<{ type: number; data: any }>;
      // Incremental snapshots from the selection source (14).
      const selections = events.filter((e) => e.type === 3 && e.data.source === 14).map((e) => e.data);
      return { selections, readsWhileTyping };
    } finally {
      await ctx.close();
    }
  }

  it('records what rrweb records, without reading the selection for every key typed', async () => {
    const installed = await visit('installed');
    const shipped = await visit('shipped');
    // rrweb as installed: the paragraph selected, collapsed when the field took focus, the other paragraph,
    // collapsed again; nothing for the field's own caret and selection.
    expect(installed.selections.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(shipped.selections)).toBe(JSON.stringify(installed.selections));
    // 15 keys: rrweb asked on each one; the shipped recorder does not.
    expect(installed.readsWhileTyping).toBeGreaterThanOrEqual(15);
    expect(shipped.readsWhileTyping).toBe(0);
  }, 60_000);
});
