import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../src/meta';
import { chromiumMissing, personContext, startTrackedSite, until, type SitePages, type TrackedSite } from './helpers/browser';

// End to end: a page on one origin loads t.js from the real server on another, and what the browser
// sends is stored as canonical events.

describe.skipIf(chromiumMissing())('browser → /api/collect → event store', () => {
  let tracked: TrackedSite;
  let server: TrackedSite['server'];
  let site: SiteRecord;
  let pages: SitePages;
  let browser: Browser;

  beforeAll(async () => {
    tracked = await startTrackedSite({
      org: 'Browser Test Org',
      site: { name: 'Local shop', domain: 'localhost' },
      // The site's own pages: a second local origin (localhost vs 127.0.0.1, another port).
      html: (server, site, url) => `<!doctype html><html><head><title>Shop ${url}</title>
<script defer src="${server.url}/t.js" data-site="${site.tracking_id}" data-interval-start="200"></script></head>
<body><a id="out" href="https://partner.example.org/deal?ref=1">Partner</a><main style="height:4000px">Shop</main>
<script>document.getElementById('out').addEventListener('click', (e) => e.preventDefault());</script></body></html>`,
    });
    ({ server, site, pages, browser } = tracked);
  });

  afterAll(async () => {
    await tracked?.close();
  });

  const stored = () => server.ctx.events.query<Record<string, any>>('SELECT * FROM events WHERE site_id = ? ORDER BY ts, name', [site.id]);

  it('stores what the tracker sends, once, with identity, session and page fields filled in', async () => {
    const ctx = await personContext(browser, { viewport: { width: 1200, height: 700 } });
    const tab = await ctx.newPage();
    await tab.goto(`${pages.origin}/products?utm_source=newsletter&utm_medium=email`);
    await until('page_view stored', async () => (await stored()).some((e) => e.name === 'page_view'));
    await tab.evaluate(() => history.pushState({}, '', '/checkout'));
    await tab.evaluate(() => (window as any).tidemark.track('add_to_cart', { sku: 'A-1', qty: 2 }));
    await tab.evaluate(() => (window as any).tidemark.revenue({ amount: 19.99, currency: 'EUR', transaction_id: 'tx-9' }));
    await tab.click('#out');
    await tab.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await tab.close({ runBeforeUnload: true });
    await until('final page_exit stored', async () => (await stored()).filter((e) => e.name === 'page_exit').length === 2);
    await ctx.close();

    const events = await stored();
    const count = (name: string) => events.filter((e) => e.name === name).length;
    expect(count('page_view')).toBe(2);
    expect(count('page_exit')).toBe(2);
    expect(count('add_to_cart')).toBe(1);
    expect(count('revenue')).toBe(1);
    expect(count('outbound_click')).toBe(1);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);

    const [landing, checkout] = events.filter((e) => e.name === 'page_view');
    expect(landing).toMatchObject({
      host: 'localhost',
      path: '/products',
      utm_source: 'newsletter',
      utm_medium: 'email',
      viewport_w: 1200,
      language: 'en-US',
    });
    expect(checkout.path).toBe('/checkout');
    // Cookieless: the server derived one visitor and one session for all of it.
    expect(new Set(events.map((e) => e.visitor_id)).size).toBe(1);
    expect(events[0].visitor_id).not.toBe('');
    expect(new Set(events.map((e) => e.session_id)).size).toBe(1);
    expect(events.every((e) => e.browser === 'Chrome' && e.os === 'Linux' && e.device_type === 'desktop')).toBe(true);

    const cart = events.find((e) => e.name === 'add_to_cart')!;
    expect(JSON.parse(cart.props)).toMatchObject({ sku: 'A-1', qty: '2' });
    const revenue = events.find((e) => e.name === 'revenue')!;
    expect(revenue).toMatchObject({ revenue_amount: 19.99, revenue_currency: 'EUR' });
    const out = events.find((e) => e.name === 'outbound_click')!;
    expect(out.selector).toBe('a#out');
    expect(JSON.parse(out.props)).toMatchObject({ href: 'https://partner.example.org/deal' });
    const exits = events.filter((e) => e.name === 'page_exit');
    expect(exits.map((e) => e.path)).toEqual(['/products', '/checkout']);
    for (const e of exits) expect(e.engaged_ms).toBeGreaterThan(0);
    expect(exits[1].scroll_depth).toBe(100);
  });

  it("tells an iPad asking for the desktop site (a Mac's user agent) by the touch points and screen the tracker reports", async () => {
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
    for (const [path, touch] of [
      ['/ipad', true],
      ['/mac', false],
    ] as const) {
      const ctx = await browser.newContext({
        userAgent: mac,
        locale: 'en-US',
        hasTouch: touch,
        screen: touch ? { width: 1180, height: 820 } : { width: 1512, height: 982 },
        viewport: touch ? { width: 1180, height: 740 } : { width: 1400, height: 800 },
      });
      const tab = await ctx.newPage();
      await tab.goto(`${pages.origin}${path}`);
      await until(`${path} stored`, async () => (await stored()).some((e) => e.path === path));
      await ctx.close();
    }
    const byPath = Object.fromEntries(
      (await stored()).filter((e) => e.name === 'page_view').map((e) => [e.path, `${e.device_type} ${e.os} ${e.browser}`]),
    );
    expect(byPath['/ipad']).toBe('tablet iPadOS Safari');
    expect(byPath['/mac']).toBe('desktop macOS Safari');
  });

  it('loads the extension scripts the collect answer names, once per page, only for the sessions a rule wants', async () => {
    // t.plausible.js stands in for a feature's extension: loading it defines window.plausible.
    // (Both visits come from one cookieless visitor, so the rule is switched, as a site setting would be.)
    let enabled = false;
    server.ctx.trackerExtensions.register({ name: 'plausible', wants: (s) => s.id === site.id && enabled });
    const visit = async (want: boolean) => {
      enabled = want;
      const ctx = await personContext(browser, { viewport: { width: 1000, height: 700 } });
      const tab = await ctx.newPage();
      await tab.goto(`${pages.origin}/ext-${want}`);
      await until('page_view stored', async () => (await stored()).some((e) => e.path === `/ext-${want}`));
      const visitor = (await stored()).find((e) => e.path === `/ext-${want}`)!.visitor_id as string;
      // Two more answers: the extension must be added once, whatever the number of answers naming it.
      for (const n of [1, 2]) {
        await tab.evaluate((n) => (window as any).tidemark.track('ping', { n }), n);
        await until(`ping ${n} stored`, async () =>
          (await stored()).some((e) => e.name === 'ping' && e.visitor_id === visitor && JSON.parse(e.props).n === String(n)),
        );
      }
      await tab.waitForTimeout(300);
      const seen = await tab.evaluate(() => ({
        scripts: [...document.querySelectorAll('script[src]')].filter((s) => (s as HTMLScriptElement).src.includes('t.plausible.js'))
          .length,
        plausible: typeof (window as any).plausible,
      }));
      await ctx.close();
      return seen;
    };
    expect(await visit(true)).toEqual({ scripts: 1, plausible: 'function' });
    expect(await visit(false)).toEqual({ scripts: 0, plausible: 'undefined' });
  });
});
