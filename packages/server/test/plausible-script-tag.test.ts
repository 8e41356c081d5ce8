import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../src/meta';
import { chromiumMissing, personContext, startTrackedSite, type SitePages, type TrackedSite } from './helpers/browser';

/**
 * The script-tag flow of a page switching from Plausible, in Chromium: the page keeps its
 * `<script defer data-domain="…" src="…/js/script.js">` and its `window.plausible(…)` calls (one queued
 * before the script loaded), with only the host of `src` changed to this server. Runs on DuckDB here
 * and on ClickHouse through scaleout-dropins.test.ts.
 */
describe.skipIf(chromiumMissing())('Plausible script tag pointed at this server', () => {
  let tracked: TrackedSite;
  let server: TrackedSite['server'];
  let site: SiteRecord;
  let pages: SitePages;
  let browser: Browser;

  beforeAll(async () => {
    tracked = await startTrackedSite({
      org: 'Script Tag Org',
      site: { name: 'Shop', domain: 'localhost' },
      html: (server, _site, url) => `<!doctype html><html><head><title>Shop</title>
<script>window.plausible = window.plausible || function () { (window.plausible.q = window.plausible.q || []).push(arguments) };
plausible('Queued', { props: { early: 'yes' } });</script>
<script defer data-domain="localhost" src="${server.url}/js/script.js"></script></head><body>Shop ${url}</body></html>`,
    });
    ({ server, site, pages, browser } = tracked);
  });

  afterAll(async () => {
    await tracked?.close();
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
    const ctx = await personContext(browser);
    const tab = await ctx.newPage();
    await tab.goto(`${pages.origin}/products`);
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
