import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import type { Config } from '../../src/config';
import type { SiteRecord } from '../../src/meta';
import { startTestServer } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The tracker reports navigator.webdriver and the collector drops automation as bots, so this browser poses
// as a person: no AutomationControlled flag, and a regular desktop Chrome user agent (not HeadlessChrome).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-blink-features=AutomationControlled',
];
export const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** Why Chromium cannot run here, or undefined when it can; with CI=true a missing browser fails the suite. */
export function chromiumMissing(): string | undefined {
  if (fs.existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}`);
  return `Chromium not found at ${CHROMIUM}`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A fresh profile that looks like a person's desktop Chrome (user agent and locale); options override. */
export function personContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ userAgent: CHROME_UA, locale: 'en-US', ...options });
}

/** Polls `check` until it returns something truthy; fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SitePages {
  /** `http://localhost:<port>`: another origin than the server's 127.0.0.1, as a real site is. */
  origin: string;
  close(): Promise<void>;
}

/** The tracked site's own pages: every path answers with `html(path)`. */
export async function serveSitePages(html: (url: string) => string): Promise<SitePages> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html(req.url ?? '/'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

export interface TrackedSite {
  server: TestServer;
  site: SiteRecord;
  pages: SitePages;
  browser: Browser;
  close(): Promise<void>;
}

/** A test server with one site, the site's own pages (`html` gets the server, the site and the path) and Chromium. */
export async function startTrackedSite(opts: {
  config?: Partial<Config>;
  org: string;
  site: { name: string; domain: string };
  html: (server: TestServer, site: SiteRecord, url: string) => string;
}): Promise<TrackedSite> {
  const server = await startTestServer(opts.config);
  const org = await server.ctx.meta.orgs.create(opts.org);
  const site = await server.ctx.meta.sites.create(org.id, opts.site);
  const pages = await serveSitePages((url) => opts.html(server, site, url));
  const browser = await launchChromium();
  return {
    server,
    site,
    pages,
    browser,
    async close() {
      await browser.close();
      await pages.close();
      await server.cleanup();
    },
  };
}
