import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../src/meta';
import { ConsentService } from '../src/consent';
import { chromiumMissing, personContext, startTrackedSite, until, type SitePages, type TrackedSite } from './helpers/browser';

/**
 * The consent banner in `required` mode, in Chromium, as a visitor meets it: nothing is requested from the
 * collector (t.js is not even fetched) until analytics is granted in the preference centre, reached with
 * the keyboard; the choice is remembered on the next page; the preference centre re-opens from the page's
 * link, and withdrawing there stops collection. Each decision is in the consent log; other scripts read
 * the state from `tidemark.consent()` and the `tidemark:consent` event; texts follow the browser's language.
 */
describe.skipIf(chromiumMissing())('consent banner (required mode)', () => {
  let tracked: TrackedSite;
  let server: TrackedSite['server'];
  let site: SiteRecord;
  let pages: SitePages;
  let browser: Browser;

  beforeAll(async () => {
    tracked = await startTrackedSite({
      org: 'Consent Org',
      site: { name: 'Shop', domain: 'localhost' },
      html: (server, site, url) => `<!doctype html><html lang="en"><head><title>Shop ${url}</title>
<script defer src="${server.url}/t.consent.js" data-site="${site.tracking_id}" data-consent="required" data-interval-start="100"></script>
<script>window.seen = []; addEventListener('tidemark:consent', (e) => window.seen.push(e.detail));</script></head>
<body><main><h1>Shop</h1><a href="#" id="prefs" data-tidemark-consent>Privacy settings</a></main></body></html>`,
    });
    ({ server, site, pages, browser } = tracked);
    await new ConsentService(server.ctx.meta).update(site.id, {
      mode: 'required',
      categories: ['replay'],
      texts: { de: { title: 'Ihre Privatsphäre', accept_all: 'Alle akzeptieren' } },
    });
  });

  afterAll(async () => {
    await tracked?.close();
  });

  const stored = () => server.ctx.events.query<{ name: string }>('SELECT name FROM events WHERE site_id = ? ORDER BY ts', [site.id]);
  const log = () => server.ctx.meta.consentLog.list(site.id, { limit: 100 });
  const consentState = (p: Page) => p.evaluate(() => (window as any).tidemark.consent());

  it('sends nothing before consent, remembers it, re-opens, and stops on withdrawal', async () => {
    const ctx = await personContext(browser);
    const tab = await ctx.newPage();
    const requested: string[] = [];
    tab.on('request', (r) => requested.push(new URL(r.url()).pathname));

    await tab.goto(`${pages.origin}/`);
    const banner = tab.getByRole('dialog', { name: 'Your privacy' });
    await banner.waitFor();
    // A call made before consent is queued, never sent without it.
    await tab.evaluate(() => (window as any).tidemark('track', 'before_consent'));
    expect(await consentState(tab)).toEqual({ analytics: false, replay: false, heatmaps: false, marketing: false });
    // The banner took the focus: Tab to "Choose", Enter opens the preference centre.
    expect(
      await tab.evaluate(
        () => (document.querySelector('[data-tidemark-consent-ui]')!.shadowRoot!.activeElement as HTMLElement).textContent,
      ),
    ).toBe('Accept all');
    await tab.keyboard.press('Tab');
    await tab.keyboard.press('Tab');
    await tab.keyboard.press('Enter');
    const centre = tab.getByRole('dialog', { name: 'Your privacy' });
    await centre.getByRole('checkbox', { name: /Analytics/ }).waitFor();
    // Only the site's categories are offered (analytics and replay).
    expect(await centre.getByRole('checkbox').count()).toBe(2);
    expect(requested.filter((p) => p === '/api/collect' || p === '/t.js')).toEqual([]);
    expect(await stored()).toEqual([]);

    await centre.getByRole('checkbox', { name: /Analytics/ }).press('Space');
    await centre.getByRole('button', { name: 'Save choices' }).click();
    await until('page view stored', async () => (await stored()).some((e) => e.name === 'page_view'));
    expect(await consentState(tab)).toEqual({ analytics: true, replay: false, heatmaps: false, marketing: false });
    expect(await tab.evaluate(() => (window as any).seen.at(-1))).toEqual({
      analytics: true,
      replay: false,
      heatmaps: false,
      marketing: false,
    });
    await until('queued event sent', async () => (await stored()).some((e) => e.name === 'before_consent'));
    // The collector enforces the required mode with the marker t.consent.js adds, and never stores the marker.
    const props = await server.ctx.events.query<{ p: string }>('SELECT CAST(props AS VARCHAR) AS p FROM events WHERE site_id = ?', [
      site.id,
    ]);
    expect(props.some((r) => r.p.includes('tm_consent'))).toBe(false);
    await until('decision logged', async () => (await log()).length === 1);
    expect((await log())[0]).toMatchObject({ categories: ['analytics'], source: 'banner' });

    // The next page: no banner, the choice applies at once.
    await tab.goto(`${pages.origin}/pricing`);
    await until('second page view', async () => (await stored()).filter((e) => e.name === 'page_view').length === 2);
    expect(await tab.locator('[data-tidemark-consent-ui]').count()).toBe(0);

    // Re-opened from the page's link; withdrawing stops collection.
    await tab.getByRole('link', { name: 'Privacy settings' }).click();
    const again = tab.getByRole('dialog', { name: 'Your privacy' });
    const analytics = again.getByRole('checkbox', { name: /Analytics/ });
    expect(await analytics.isChecked()).toBe(true);
    await analytics.uncheck();
    await again.getByRole('button', { name: 'Save choices' }).click();
    await until('withdrawal logged', async () => (await log()).length === 2);
    expect((await log())[0]).toMatchObject({ categories: [] });
    const before = requested.filter((p) => p === '/api/collect').length;
    await tab.evaluate(() => (window as any).tidemark.track('after_withdrawal'));
    await tab.evaluate(() => history.pushState({}, '', '/after'));
    // Give the tracker its flush interval several times over; nothing may leave.
    await tab.waitForTimeout(800);
    expect(requested.filter((p) => p === '/api/collect').length).toBe(before);
    expect((await stored()).map((e) => e.name)).not.toContain('after_withdrawal');
    expect(await consentState(tab)).toMatchObject({ analytics: false });
    await ctx.close();
  });

  it("speaks the browser's language when the site has texts for it", async () => {
    const ctx = await personContext(browser, { locale: 'de-DE' });
    const tab = await ctx.newPage();
    await tab.goto(`${pages.origin}/`);
    const banner = tab.getByRole('dialog', { name: 'Ihre Privatsphäre' });
    await banner.waitFor();
    // Keys without a German text fall back to English.
    expect(await banner.getByRole('button').allTextContents()).toEqual(['Alle akzeptieren', 'Reject all', 'Choose']);
    await ctx.close();
  });

  it('loads heatmaps for a consent-mode site, but sends samples only once the heatmaps category is granted', async () => {
    await server.ctx.meta.sites.update(site.id, { heatmaps_enabled: true, heatmap_sample_rate: 1 });
    const heatmapEvents = async () =>
      (
        await server.ctx.events.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE site_id = ? AND name LIKE 'heatmap_%'", [
          site.id,
        ])
      )[0]!.n;
    const before = Number(await heatmapEvents());
    const ctx = await personContext(browser);
    const tab = await ctx.newPage();
    const heatmapPosts: string[] = [];
    tab.on('request', (r) => r.url().endsWith('/api/collect/heatmap') && heatmapPosts.push(r.url()));
    await tab.goto(`${pages.origin}/heatmap-consent`);
    await tab.evaluate(() => (window as any).tidemark.consent({ analytics: true }));
    // The extension arrives with a collect answer; then clicks and a page hide would send samples.
    await until('t.heatmap.js loaded', () => tab.evaluate(() => [...document.scripts].some((s) => s.src.includes('t.heatmap.js'))));
    await tab.mouse.click(200, 60);
    // Samples go out every 5 s: wait past one flush.
    await tab.waitForTimeout(6000);
    expect(heatmapPosts).toEqual([]);
    await tab.evaluate(() => (window as any).tidemark.consent({ heatmaps: true }));
    await tab.mouse.click(220, 80);
    await until('heatmap samples stored', async () => Number(await heatmapEvents()) > before);
    await ctx.close();
  });
});
