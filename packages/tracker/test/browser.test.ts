import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTracker } from '../src/index';
import { chromiumUnavailable, launchChromium, waitFor } from './helpers/browser';
import { startFixtureServer, type CapturedEvent, type FixtureServer } from './helpers/fixture-server';

const skip = chromiumUnavailable();
const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/tracker');

const named = (events: CapturedEvent[], name: string) => events.filter((e) => e.name === name);
const counts = (events: CapturedEvent[]) => {
  const m: Record<string, number> = {};
  for (const e of events) m[e.name] = (m[e.name] ?? 0) + 1;
  return m;
};

describe.skipIf(skip)('tracker in Chromium', () => {
  let dist: string;
  let site: FixtureServer;
  let browser: Browser;

  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-tracker-'));
    await buildTracker(dist);
    site = await startFixtureServer(dist);
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
  });

  async function open(attrs = '', init?: (ctx: BrowserContext) => Promise<unknown>, pageName = 'index'): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 600 } });
    await init?.(ctx);
    const page = await ctx.newPage();
    await page.goto(`${site.origin}/page/${pageName}?attrs=${encodeURIComponent(attrs)}`);
    return page;
  }

  async function closeAll(page: Page) {
    await page.close({ runBeforeUnload: true });
    await page.context().close();
  }

  it('sends page views, SPA navigations, scroll milestones, clicks, form submits, API events and page_exit, each once', async () => {
    const page = await open();
    const ev = () => site.events('test-site');
    await waitFor('first page_view', () => named(ev(), 'page_view').length === 1);
    const first = named(ev(), 'page_view')[0];
    expect(first.properties).toMatchObject({
      url: `${site.origin}/page/index?attrs=`,
      path: '/page/index',
      title: 'Fixture home',
      referrer: '',
    });
    expect(first.context).toMatchObject({
      viewport_width: 1000,
      viewport_height: 600,
      timezone: expect.any(String),
      language: expect.any(String),
    });
    expect(first.context.screen_width).toBeGreaterThan(0);
    expect(first.context.webdriver).toBe(true); // automation, reported so the collector can drop it
    expect(first.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // SPA: pushState to a new path, replaceState that only changes the query (same page), back (popstate).
    await page.evaluate(() => history.pushState({}, '', '/app/pricing?utm_source=news&utm_campaign=spring'));
    await page.evaluate(() => history.replaceState({}, '', '/app/pricing?utm_source=news'));
    await waitFor('SPA page_view', () => named(ev(), 'page_view').length === 2);
    await page.evaluate(() => history.back());
    await waitFor('popstate page_view', () => named(ev(), 'page_view').length === 3);
    const views = named(ev(), 'page_view');
    expect(views.map((v) => v.properties.path)).toEqual(['/page/index', '/app/pricing', '/page/index']);
    expect(views[1].properties.referrer).toBe(`${site.origin}/page/index?attrs=`);
    expect(views[1].properties.url).toBe(`${site.origin}/app/pricing?utm_source=news&utm_campaign=spring`);

    // Scroll down in steps: each milestone once, in order.
    for (const share of [0.2, 0.45, 0.7, 0.85, 1]) {
      await page.evaluate((f) => window.scrollTo(0, f * document.documentElement.scrollHeight), share);
      await page.waitForTimeout(80);
    }
    await waitFor('scroll milestones', () => named(ev(), 'scroll_depth').length >= 5);

    await page.click('#out');
    await page.click('#dl');
    await page.fill('input[name=email]', 'alice@example.com');
    await page.fill('input[name=secret]', 'secret-field-value-123');
    await page.click('#submit');
    await page.evaluate(() => {
      const t = (window as any).tidemark;
      t.addSharedProperty('ab_test', 'B');
      t.track('signup_started', { plan: 'pro', seats: 3, meta: { nested: true } });
      t.trackEvent('alias_event');
      t.revenue({ amount: 49.5, currency: 'EUR', product: 'Pro plan', transaction_id: 'tx_1' });
      t.goal('newsletter', { source: 'footer' });
      t('track', 'via_function');
    });
    await waitFor('API events', () => named(ev(), 'via_function').length === 1);
    expect(
      await page.evaluate(() => ({ cookie: document.cookie, storage: localStorage.length, vid: (window as any).tidemark.getVisitorId() })),
    ).toEqual({
      cookie: '',
      storage: 0,
      vid: null,
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'index.png') });

    const beforeClose = site.requests.length;
    await closeAll(page);
    await waitFor('final page_exit', () => named(ev(), 'page_exit').length === 3);

    const events = ev();
    expect(counts(events)).toEqual({
      page_view: 3,
      page_exit: 3,
      scroll_depth: 5,
      outbound_click: 1,
      file_download: 1,
      form_submit: 1,
      signup_started: 1,
      alias_event: 1,
      revenue: 1,
      newsletter: 1,
      via_function: 1,
    });
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    expect(events.every((e) => typeof e.timestamp === 'number')).toBe(true);
    expect(named(events, 'scroll_depth').map((e) => e.properties.scroll_depth)).toEqual([25, 50, 75, 90, 100]);

    const [out] = named(events, 'outbound_click');
    expect(out.properties).toMatchObject({
      href: `${site.otherOrigin}/partner`,
      text: 'Partner site',
      selector: 'a#out',
      path: '/page/index',
    });
    expect(out.properties.x).toEqual(expect.any(Number));
    const [dl] = named(events, 'file_download');
    expect(dl.properties).toMatchObject({
      href: `${site.origin}/files/report.pdf`,
      filename: 'report.pdf',
      extension: 'pdf',
      selector: 'a#dl',
    });
    const [form] = named(events, 'form_submit');
    expect(form.properties).toMatchObject({ form_id: 'signup', form_name: 'signup-form', selector: 'form#signup' });
    const everything = site.requests.map((r) => r.raw).join('\n');
    expect(everything).not.toContain('secret-field-value-123');
    expect(everything).not.toContain('alice@example.com');
    expect(everything).not.toContain('token=secret');

    expect(named(events, 'signup_started')[0].properties).toMatchObject({ plan: 'pro', seats: 3, ab_test: 'B', meta: { nested: true } });
    expect(named(events, 'revenue')[0].properties).toMatchObject({
      amount: 49.5,
      currency: 'EUR',
      product: 'Pro plan',
      transaction_id: 'tx_1',
    });
    expect(named(events, 'newsletter')[0].properties).toMatchObject({ goal: true, source: 'footer' });

    const exits = named(events, 'page_exit');
    expect(exits.map((e) => e.properties.path)).toEqual(['/page/index', '/app/pricing', '/page/index']);
    for (const e of exits) expect(e.properties.engaged_ms).toBeGreaterThan(0);
    expect(exits[2].properties.scroll_depth).toBe(100);

    // The last page_exit left with the page (a keepalive fetch, so it arrived after the tab closed): a simple
    // CORS request, text/plain, no preflight.
    const last = site.requests.slice(beforeClose).find((r) => r.body.events.some((e) => e.name === 'page_exit'))!;
    expect(last.headers['sec-fetch-mode']).toBe('cors');
    expect(last.headers['content-type']).toMatch(/^text\/plain/);
    expect(site.requests.every((r) => r.body.visitor === undefined)).toBe(true);
  });

  // Which copy runs first is up to the network: the loader's async copy may win before the snippet's.
  for (const pageName of ['double', 'double-late'])
    it(`runs once when the script is on the page more than once (${pageName})`, async () => {
      const page = await open('', undefined, pageName);
      await page.waitForFunction(() => (window as any).tidemark.getConfig?.()?.site);
      await page.evaluate(() => (window as any).tidemark.track('once'));
      await page.close({ runBeforeUnload: true });
      const at = `/page/${pageName}`;
      await waitFor('page_exit', () => named(site.events('test-site'), 'page_exit').some((e) => e.properties.path === at));
      const events = site.events('test-site').filter((e) => e.properties.path === at);
      expect(counts(events)).toEqual({ page_view: 1, once: 1, page_exit: 1 });
      await page.context().close();
    });
});
