import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { compileEntry, type CompileOptions } from '../../src/index';
import { launchChromium } from './browser';

/**
 * For the tests that compare builds of the recorder in Chromium: the page-side entry (fixtures/record-entry.ts:
 * rrweb with t.replay.js's options, `startRecording(cfg)`, its events in `recorded`) built as shipped and
 * otherwise, pages served by path, and a person-like tab whose /record.js is one of those builds.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export interface RecorderPages {
  origin: string;
  /** A new tab whose /record.js is `bundle` (the pages load it from their head). */
  tab(
    bundle: string,
    options?: BrowserContextOptions,
  ): Promise<{ ctx: BrowserContext; tab: Awaited<ReturnType<BrowserContext['newPage']>> }>;
  close(): Promise<void>;
}

/** The page-side entry bundled and minified as t.replay.js is, with `options` (see compileEntry). */
export const buildRecorder = (options?: CompileOptions) => compileEntry(path.join(here, '../fixtures/record-entry.ts'), options);

/** Serves `pageAt(path)` (404 when undefined) and starts Chromium. */
export async function startRecorderPages(pageAt: (pathname: string) => string | undefined): Promise<RecorderPages> {
  const server = http.createServer((req, res) => {
    const html = pageAt(new URL(req.url ?? '/', 'http://x').pathname);
    if (html === undefined) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchChromium();
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async tab(bundle, options = {}) {
      const ctx = await browser.newContext({ userAgent: UA, locale: 'en-US', ...options });
      const tab = await ctx.newPage();
      // The same URL for every build (URLs are in the snapshot): the build is chosen here.
      await tab.route('**/record.js', (r) => r.fulfill({ contentType: 'application/javascript', body: bundle }));
      return { ctx, tab };
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface InstalledAndShipped {
  bundles: { installed: string; shipped: string };
  pages: RecorderPages;
}

/**
 * Registers a suite's set-up and tear-down: @rrweb/record as installed (without our corrections) and as
 * shipped, `html` at every path, Chromium. Its fields are filled once the suite starts.
 */
export function installedAndShipped(html: string): InstalledAndShipped {
  const suite = { bundles: { installed: '', shipped: '' } } as InstalledAndShipped;
  beforeAll(async () => {
    suite.bundles.installed = await buildRecorder({ patches: false });
    suite.bundles.shipped = await buildRecorder();
    suite.pages = await startRecorderPages(() => html);
  }, 60_000);
  afterAll(() => suite.pages?.close());
  return suite;
}
