import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, personContext, serveSitePages, until, type SitePages } from './helpers/browser';
import { signUp, type Client } from './helpers/accounts';
import { startTestServer, tempDataDir } from './helpers/server';
import { CHROMIUM } from './helpers/browser';
import { Screenshots } from '../src/behaviour';
import type { SiteRecord } from '../src/meta';
import fs from 'node:fs';

// End to end in Chromium: a site switches heatmaps on in its settings (the snippet stays the same), the
// collect answer names t.heatmap.js, and what a person does on the page comes back from the heatmap API
// as the cells an independent computation over the clicks made here expects, at two widths.

const REF = { desktop: 1440, mobile: 390 } as const;

const PAGE = (api: string, trackingId: string) => `<!doctype html><html><head><title>Behaviour</title>
<script defer src="${api}/t.js" data-site="${trackingId}" data-interval-start="200"></script></head>
<body style="margin:0;font:16px sans-serif">
<div style="position:relative;height:3000px">
  <button id="buy" data-plan="pro" style="position:absolute;left:10%;top:100px;width:120px;height:40px">Buy</button>
  <p class="lead" style="position:absolute;left:40%;top:200px;width:150px;margin:0">Plain text, nothing happens</p>
  <button id="boom" style="position:absolute;left:10%;top:300px;width:120px;height:40px">Boom</button>
  <form id="signup" name="signup" style="position:absolute;left:10%;top:400px" onsubmit="return false">
    <input name="email" type="email"><input name="company"><button>Join</button>
  </form>
  <ul id="log" style="position:absolute;top:600px"></ul>
</div>
<script>
  document.getElementById('buy').addEventListener('click', () => document.getElementById('log').append(document.createElement('li')));
  document.getElementById('boom').addEventListener('click', () => { throw new Error('boom at checkout'); });
</script></body></html>`;

describe.skipIf(chromiumMissing())('heatmaps and frustration signals in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: Client;
  let pages: SitePages;
  let browser: Browser;
  let site: { id: string; tracking_id: string };

  beforeAll(async () => {
    server = await startTestServer();
    ({ client } = await signUp(server.url, 'owner@behaviour.example'));
    site = (await client.post('/api/sites', { name: 'Behaviour', domain: 'localhost' })).body;
    const patched = await client.patch(`/api/sites/${site.id}`, {
      heatmaps_enabled: true,
      heatmap_sample_rate: 1,
      vitals_enabled: true,
      errors_enabled: true,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ heatmaps_enabled: true, heatmap_sample_rate: 1, vitals_enabled: true, errors_enabled: true });
    pages = await serveSitePages(() => PAGE(server.url, site.tracking_id));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await server?.cleanup();
  });

  const stored = () => server.ctx.events.query<Record<string, any>>('SELECT * FROM events WHERE site_id = ? ORDER BY ts, name', [site.id]);

  /** Centre of an element in page coordinates (the page is not scrolled). */
  const centre = async (tab: Page, sel: string) =>
    tab.$eval(sel, (el) => {
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + scrollY + r.height / 2) };
    });

  async function visit(width: number, height: number) {
    const ctx = await personContext(browser, { viewport: { width, height } });
    const tab = await ctx.newPage();
    await tab.goto(`${pages.origin}/behaviour?ref=x`);
    await tab.waitForFunction(
      () =>
        ['t.heatmap.js', 't.vitals.js', 't.errors.js'].every((f) =>
          performance.getEntriesByType('resource').some((r) => r.name.includes(f)),
        ),
      null,
      {
        timeout: 20_000,
      },
    );
    const pageWidth = await tab.evaluate(() => document.documentElement.scrollWidth);
    const clicks: Array<{ x: number; y: number }> = [];
    const click = async (p: { x: number; y: number }) => {
      await tab.mouse.click(p.x, p.y);
      clicks.push(p);
    };
    const buy = await centre(tab, '#buy');
    await click(buy);
    await tab.waitForTimeout(1200);
    // A triple click within a second: one rage_click of 3.
    for (let i = 0; i < 3; i++) await click({ x: buy.x + i * 4, y: buy.y });
    await tab.waitForTimeout(1200);
    await click(await centre(tab, 'p.lead'));
    await tab.waitForTimeout(1200);
    await click(await centre(tab, '#boom'));
    await tab.waitForTimeout(1200);
    // The same error three times (one event), then twelve distinct ones: at most ten per page view in all.
    await tab.evaluate(() => {
      const same = () => {
        throw new Error('same failure 1');
      };
      for (let i = 0; i < 3; i++) setTimeout(same);
      for (let i = 0; i < 12; i++)
        setTimeout(() => {
          throw new TypeError(`distinct ${'x'.repeat(i + 1)}`);
        });
    });
    await tab.waitForTimeout(300);
    // Half a form: focus, type the e-mail address, leave.
    await click(await centre(tab, 'input[name=email]'));
    await tab.keyboard.type('secret.person@example.org');
    await tab.mouse.move(300, 200, { steps: 8 });
    await tab.mouse.move(300, 20, { steps: 4 });
    await tab.mouse.move(300, -5);
    await tab.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await tab.waitForTimeout(300);
    await tab.close({ runBeforeUnload: true });
    // The page-hide batch is a keepalive request; closing the profile before it lands would cancel it.
    await until(`page view at ${width} px ended (scroll sample and abandoned form stored)`, async () => {
      const ev = (await stored()).filter((e) => e.viewport_w === width);
      return ev.some((e) => e.name === 'heatmap_scroll') && ev.some((e) => e.name === 'form_abandon');
    });
    await ctx.close();
    return { clicks, pageWidth };
  }

  const expectedPoints = (clicks: Array<{ x: number; y: number }>, pageWidth: number, ref: number) => {
    const counts = new Map<string, number>();
    for (const c of clicks) {
      const key = `${Math.min(99, Math.floor((c.x * 100) / pageWidth))},${Math.floor(c.y / 10)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts]
      .map(([k, count]) => {
        const [cx, cy] = k.split(',').map(Number) as [number, number];
        return { x: Math.round(((cx + 0.5) / 100) * ref), y: cy * 10 + 5, count };
      })
      .sort((a, b) => a.y - b.y || a.x - b.x);
  };

  it('records clicks, moves, scroll and frustration at a desktop and a phone width, and the heatmap API answers them', async () => {
    const desktop = await visit(1280, 800);
    const mobile = await visit(390, 800);
    await until('both page views ended (scroll samples and abandoned forms stored)', async () => {
      const ev = await stored();
      return ev.filter((e) => e.name === 'heatmap_scroll').length === 2 && ev.filter((e) => e.name === 'form_abandon').length === 2;
    });
    await until('error clicks stored', async () => (await stored()).filter((e) => e.name === 'error_click').length === 2);
    const events = await stored();
    const of = (name: string, vw: number) => events.filter((e) => e.name === name && e.viewport_w === vw);

    for (const [visit, vw, viewport] of [
      [desktop, 1280, 'desktop'],
      [mobile, 390, 'mobile'],
    ] as const) {
      // Frustration events: one burst, the plain text, the throwing button; exit intent on the desktop only.
      const rage = of('rage_click', vw);
      expect(rage).toHaveLength(1);
      expect(JSON.parse(rage[0].props)).toMatchObject({ count: '3' });
      expect(rage[0].selector).toBe('button#buy');
      expect(of('dead_click', vw).map((e) => e.selector)).toEqual(['div > p.lead']);
      expect(of('error_click', vw).map((e) => e.selector)).toEqual(['button#boom']);
      expect(JSON.parse(of('error_click', vw)[0].props).message).toContain('boom at checkout');
      expect(of('exit_intent', vw)).toHaveLength(vw === 1280 ? 1 : 0);
      const abandon = of('form_abandon', vw);
      expect(abandon).toHaveLength(1);
      expect(JSON.parse(abandon[0].props)).toMatchObject({ form_id: 'signup', fields: 'email' });
      expect(abandon[0].props).not.toContain('secret');
      expect(of('form_focus', vw)).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain('secret.person');

      // Web vitals: one page_performance per page load, with plausible values.
      const perf = of('page_performance', vw);
      expect(perf).toHaveLength(1);
      const v = JSON.parse(perf[0].props);
      for (const k of ['ttfb', 'fcp', 'lcp']) expect(Number(v[k]), k).toBeGreaterThanOrEqual(0);
      expect(Number(v.fcp)).toBeGreaterThan(0);
      expect(Number(v.lcp)).toBeGreaterThanOrEqual(Number(v.fcp));
      expect(Number(v.lcp)).toBeLessThan(60_000);
      expect(Number(v.cls)).toBeGreaterThanOrEqual(0);
      // There were clicks and typing, so INP is reported; its value is the browser's measured latency
      // (rounded to 8 ms by Event Timing), which a fast machine can report as 0.
      expect(v.inp, 'inp').not.toBeUndefined();
      expect(Number(v.inp)).toBeGreaterThanOrEqual(0);
      expect(Number(v.inp)).toBeLessThan(60_000);
      // Errors: the button's once, the repeated one once, then the cap of ten; no query string anywhere.
      const errors = of('error_occurred', vw).map((e) => JSON.parse(e.props));
      expect(errors).toHaveLength(10);
      expect(errors[0].message).toContain('boom at checkout');
      expect(errors.filter((e) => e.message.includes('same failure'))).toHaveLength(1);
      expect(new Set(errors.map((e) => e.fingerprint)).size).toBe(10);
      expect(errors[0].source).toBe(`${pages.origin}/behaviour`);
      expect(Number(errors[0].line)).toBeGreaterThan(0);
      expect(JSON.stringify(errors)).not.toContain('ref=x');

      const base = `/api/sites/${site.id}/heatmaps?page_url=${encodeURIComponent(`${pages.origin}/behaviour`)}&viewport=${viewport}&period=today`;
      const clicks = await client.get(`${base}&type=click`);
      expect(clicks.status).toBe(200);
      expect(clicks.body.viewport).toEqual({ width: REF[viewport], height: expect.any(Number) });
      const sorted = [...clicks.body.data.clicks].sort((a: any, b: any) => a.y - b.y || a.x - b.x);
      expect(sorted).toEqual(expectedPoints(visit.clicks, visit.pageWidth, REF[viewport]));
      const buy = clicks.body.top_elements.find((e: any) => e.selector === 'button#buy');
      expect(buy).toEqual({ selector: 'button#buy', clicks: 4, rage_clicks: 1, dead_clicks: 0, error_clicks: 0 });
      expect(clicks.body.top_elements.find((e: any) => e.selector === 'div > p.lead')).toMatchObject({ clicks: 1, dead_clicks: 1 });
      const moves = await client.get(`${base}&type=move`);
      expect(moves.body.totals.moves).toBe(of('heatmap_move', vw).length);
      expect(moves.body.totals.moves).toBeGreaterThan(0);
      const scroll = await client.get(`${base}&type=scroll`);
      // One page view that reached the bottom: 100 % at every depth.
      expect(scroll.body.data.scroll).toEqual(Array.from({ length: 21 }, (_, i) => ({ depth: i * 5, percentage: 100 })));
    }

    const frustration = await client.get(`/api/sites/${site.id}/frustration?period=today`);
    expect(frustration.body.pages).toEqual([{ page: '/behaviour', rage_clicks: 2, dead_clicks: 2, error_clicks: 2 }]);
  }, 120_000);

  it('takes screenshots of the site own pages only, refusing loopback unless allowed, cached per page and viewport', async () => {
    // The API of this server (default settings): the fixture page is on a loopback address, so it is refused.
    const pageUrl = `${pages.origin}/behaviour`;
    const refused = await client.get(`/api/sites/${site.id}/heatmaps/screenshot?page_url=${encodeURIComponent(pageUrl)}&viewport=mobile`);
    expect([refused.status, refused.body.error.code]).toEqual([400, 'private_address']);
    const foreign = await client.get(`/api/sites/${site.id}/heatmaps/screenshot?page_url=${encodeURIComponent('http://example.org/')}`);
    expect([foreign.status, foreign.body.error.code]).toEqual([400, 'foreign_host']);
    const map = await client.get(`/api/sites/${site.id}/heatmaps?page_url=/behaviour&period=today`);
    expect(map.body.screenshot_url).toBe(`/api/sites/${site.id}/heatmaps/screenshot?page_url=%2Fbehaviour&viewport=desktop`);
    // An administrator who allowed private addresses (an intranet site) gets the picture, at the reference width.
    const dir = tempDataDir('tidemark-shots-');
    const shots = new Screenshots(dir, CHROMIUM, true);
    try {
      const record = (await server.ctx.meta.sites.byId(site.id)) as SiteRecord;
      const png = await shots.capture(record, pageUrl, 'mobile');
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(390); // IHDR width
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(3000); // the full page (3000 px tall)
      const files = fs.readdirSync(`${dir}/${site.id}`);
      expect(files).toHaveLength(1);
      const before = fs.statSync(`${dir}/${site.id}/${files[0]}`).mtimeMs;
      expect((await shots.capture(record, pageUrl, 'mobile')).equals(png)).toBe(true);
      expect(fs.statSync(`${dir}/${site.id}/${files[0]}`).mtimeMs).toBe(before); // served from the cache
      expect((await shots.lifecycle.purgeSite(site.id)).screenshots).toBe(1);
      // Without the allowance the same page is refused, whatever the cache holds.
      await expect(new Screenshots(dir, CHROMIUM, false).capture(record, pageUrl, 'desktop')).rejects.toMatchObject({
        status: 400,
        code: 'private_address',
      });
    } finally {
      await shots.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('answers a coded 502 screenshot_failed (the page cannot be captured), not an unhandled error, for a host that does not resolve', async () => {
    // `.invalid` never resolves (RFC 2606), whether or not private addresses are allowed.
    const created = await client.post('/api/sites', { name: 'Nowhere', domain: 'shop.nowhere.invalid' });
    expect(created.status).toBe(201);
    const nowhere = (await server.ctx.meta.sites.byId(created.body.id)) as SiteRecord;
    const r = await client.get(`/api/sites/${nowhere.id}/heatmaps/screenshot?page_url=%2F&viewport=desktop`);
    expect([r.status, r.body.success, r.body.error.code]).toEqual([502, false, 'screenshot_failed']);
    expect(r.body.error.message).toContain('shop.nowhere.invalid');
    const dir = tempDataDir('tidemark-shots-');
    const shots = new Screenshots(dir, CHROMIUM, true);
    try {
      await expect(shots.capture(nowhere, '/', 'desktop')).rejects.toMatchObject({ status: 502, code: 'screenshot_failed' });
    } finally {
      await shots.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses bad heatmap parameters (400) and oversized sample batches (413)', async () => {
    expect((await client.get(`/api/sites/${site.id}/heatmaps?page_url=/x&viewport=watch`)).status).toBe(400);
    expect((await client.get(`/api/sites/${site.id}/heatmaps?viewport=desktop`)).body.success).toBe(false);
    const tooMany = await fetch(`${server.url}/api/collect/heatmap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-site-id': site.tracking_id },
      body: JSON.stringify({ page_url: 'http://localhost/x', events: Array.from({ length: 501 }, () => ({ type: 'click', x: 1, y: 1 })) }),
    });
    expect(tooMany.status).toBe(413);
    expect((await tooMany.json()).success).toBe(false);
  });
});
