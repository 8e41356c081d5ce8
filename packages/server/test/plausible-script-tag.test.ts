import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../src/meta';
import { startTestServer } from './helpers/server';

/**
 * The script-tag flow of a page switching from Plausible, in Chromium: the page keeps its
 * `<script defer data-domain="…" src="…/js/script.js">` and its `window.plausible(…)` calls (one queued
 * before the script loaded), with only the host of `src` changed to this server. Runs on DuckDB here
 * and on ClickHouse through scaleout-dropins.test.ts.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-blink-features=AutomationControlled',
];
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

function chromiumMissing(): string | undefined {
  if (fs.existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}`);
  return `Chromium not found at ${CHROMIUM}`;
}

describe.skipIf(chromiumMissing())('Plausible script tag pointed at this server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let site: SiteRecord;
  let pages: http.Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    const org = await server.ctx.meta.orgs.create('Script Tag Org');
    site = await server.ctx.meta.sites.create(org.id, { name: 'Shop', domain: 'localhost' });
    pages = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Shop</title>
<script>window.plausible = window.plausible || function () { (window.plausible.q = window.plausible.q || []).push(arguments) };
plausible('Queued', { props: { early: 'yes' } });</script>
<script defer data-domain="localhost" src="${server.url}/js/script.js"></script></head><body>Shop ${req.url}</body></html>`);
    });
    await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
    origin = `http://localhost:${(pages.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => pages?.close(r));
    await server?.cleanup();
  });

  const stored = () => server.ctx.events.query<Record<string, any>>('SELECT * FROM events WHERE site_id = ? ORDER BY ts, name', [site.id]);
  async function until(n: number) {
    for (let i = 0; i < 200; i++) {
      const rows = await stored();
      if (rows.length >= n) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
    return stored();
  }

  it('records page views, queued and later custom events with props and revenue', async () => {
    const ctx = await browser.newContext({ userAgent: CHROME_UA, locale: 'en-US' });
    const tab = await ctx.newPage();
    await tab.goto(`${origin}/products`);
    await tab.waitForFunction(() => typeof (window as any).plausible === 'function' && !(window as any).plausible.q);
    const result = await tab.evaluate(
      () =>
        new Promise((resolve) =>
          (window as any).plausible('Signup', { props: { plan: 'pro' }, revenue: { amount: 5, currency: 'EUR' }, callback: resolve }),
        ),
    );
    expect(result).toEqual({ status: 202 });
    await tab.evaluate(() => history.pushState({}, '', '/checkout'));
    const rows = await until(4);
    await ctx.close();
    expect(rows.map((r) => `${r.name} ${r.path}`).sort()).toEqual([
      'Queued /products',
      'Signup /products',
      'page_view /checkout',
      'page_view /products',
    ]);
    const signup = rows.find((r) => r.name === 'Signup')!;
    expect(JSON.parse(signup.props)).toEqual({ plan: 'pro' });
    expect([Number(signup.revenue_amount), signup.revenue_currency]).toEqual([5, 'EUR']);
    expect(JSON.parse(rows.find((r) => r.name === 'Queued')!.props)).toEqual({ early: 'yes' });
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(1);
    expect(rows.every((r) => r.browser === 'Chrome' && r.host === 'localhost')).toBe(true);
    const script = await fetch(`${server.url}/js/script.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});
