import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNothingRan, browserUnavailable, openWatched, screenshot, signIn, startHarness, type Harness, type Watched } from './harness';

/**
 * Opening a site with 90 days of generated traffic: how long until the headline numbers show
 * (printed, not asserted — timings depend on the machine). Also exercises every card, the map and
 * the compare line against realistic data, and takes the screenshots used in the README.
 */
const unavailable = browserUnavailable();

const DAYS = 90;

describe.skipIf(!!unavailable)('dashboard with 90 days of demo traffic', () => {
  let h: Harness;
  let w: Watched;
  let siteId = '';
  let events = 0;

  beforeAll(async () => {
    h = await startHarness();
    w = await openWatched(h.browser);
    await w.page.goto(h.url);
    // The account through the API from the page (same origin), then the empty account's button.
    await w.page.evaluate(async () => {
      const r = await fetch('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@example.com', password: 'demo password 1', name: 'Demo', org_name: 'Demo Inc' }),
      });
      if (!r.ok) throw new Error(`register: ${r.status} ${await r.text()}`);
    });
    await w.page.reload();
    const load = w.page.waitForResponse((r) => r.url().endsWith('/api/demo') && r.request().method() === 'POST', { timeout: 240_000 });
    await w.page.getByRole('button', { name: 'Load demo data' }).click();
    const res = await load;
    expect(res.status()).toBe(201);
    const body = (await res.json()) as { site_id: string; events: number };
    siteId = body.site_id;
    events = body.events;
    await w.page.waitForURL(`**/sites/${siteId}`);
    const t = Date.now();
    await w.page.locator('[data-testid="kpi-visitors"][data-loaded="true"]').waitFor({ timeout: 60_000 });
    console.log(
      `[dashboard] first open right after loading demo data (in-app navigation, nothing cached): KPI numbers after ${Date.now() - t} ms`,
    );
  }, 300_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows the numbers and every card; prints time-to-numbers', async () => {
    const { page } = w;
    const started = Date.now();
    await page.goto(`${h.url}/sites/${siteId}`);
    const visitors = page.getByTestId('kpi-visitors');
    await page.locator('[data-testid="kpi-visitors"][data-loaded="true"]').waitFor({ timeout: 60_000 });
    const toNumbers = Date.now() - started;
    // The first breakdown card's rows: the page is "complete" for a reader.
    await page.getByTestId('card-pages').getByTestId('breakdown-row').first().waitFor({ timeout: 60_000 });
    const toCards = Date.now() - started;
    console.log(
      `[dashboard] ${events} events over ${DAYS} days: KPI numbers after ${toNumbers} ms, first breakdown after ${toCards} ms (full page load)`,
    );

    const value = (await visitors.locator('.kpi-value').textContent()) ?? '';
    expect(value).toMatch(/\d/);
    expect(value).not.toBe('0');
    for (const card of ['card-sources', 'card-locations', 'card-devices']) {
      await page.getByTestId(card).getByTestId('breakdown-row').first().waitFor({ timeout: 30_000 });
    }
    // The map shades at least one country.
    await page.locator('.world-map path.country:not(.level-0)').first().waitFor({ timeout: 30_000 });
    // The compare line is drawn.
    await page.locator('.linechart path.series-prev').waitFor({ timeout: 30_000 });
    await page.getByTestId('card-events').getByTestId('breakdown-row').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await screenshot(page, 'demo-overview-light');

    // Again, warm: switching to the last 7 days.
    const t2 = Date.now();
    await page.getByLabel('Period', { exact: true }).selectOption('last_7_days');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('period') === 'last_7_days');
    await page.locator('[data-testid="kpi-visitors"][data-loaded="true"]').waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    console.log(`[dashboard] period switch to last 7 days: ${Date.now() - t2} ms`);
    await assertNothingRan(w);
  });

  it("shows the demo's behaviour: a heatmap without a live page under it, a recording, web vitals, errors", async () => {
    const { page } = w;
    await page.goto(`${h.url}/sites/${siteId}/heatmaps?page=%2Fpricing&period=last_30_days`);
    const totals = page.getByTestId('heatmap-totals');
    await totals.waitFor({ timeout: 60_000 });
    const clicks = Number(((await totals.textContent()) ?? '').split(' clicks')[0]!.replace(/\D/g, ''));
    expect(clicks).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('heatmap-canvas').getAttribute('data-points'))).toBeGreaterThan(0);
    // The demo's domain never resolves: no frame trying to load it.
    expect(await page.locator('.heatmap-frame iframe').count()).toBe(0);
    await expect.poll(() => page.getByRole('cell', { name: 'main > div.plans > a[data-plan="growth"]' }).count()).toBeGreaterThan(0);
    await screenshot(page, 'demo-heatmap');

    // A recording of the demo plays: its first page's snapshot is in the player's sandboxed frame.
    await page.goto(`${h.url}/sites/${siteId}/recordings`);
    await page.getByTestId('recordings').getByRole('link', { name: 'Watch' }).first().click();
    await page.getByTestId('replay-player').waitFor();
    const recorded = page.frameLocator('iframe[data-testid=replay-stage]').frameLocator('.replayer-wrapper iframe');
    await expect.poll(() => recorded.locator('header a.logo').textContent(), { timeout: 30_000 }).toBe('Tidemark Demo');
    await screenshot(page, 'demo-recording');

    await page.goto(`${h.url}/sites/${siteId}/vitals?period=last_30_days`);
    const lcp = page.getByTestId('vital-lcp').locator('.kpi-value');
    await expect.poll(async () => (await lcp.textContent()) ?? '', { timeout: 60_000 }).toMatch(/\d/);

    await page.goto(`${h.url}/sites/${siteId}/errors?period=last_30_days`);
    const errors = page.getByTestId('errors-totals');
    await errors.waitFor({ timeout: 60_000 });
    expect(Number(((await errors.textContent()) ?? '').split(' errors')[0]!.replace(/\D/g, ''))).toBeGreaterThan(0);
    await assertNothingRan(w);
  });

  it('renders the dark theme and the sites list', async () => {
    const dark = await openWatched(h.browser, { colorScheme: 'dark' });
    await dark.page.goto(h.url);
    await signIn(dark.page, 'demo@example.com', 'demo password 1');
    await dark.page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="site-today-visitors"]')?.textContent ?? ''));
    await dark.page.waitForTimeout(300);
    await screenshot(dark.page, 'demo-sites-dark');
    await dark.page.goto(`${h.url}/sites/${siteId}?period=last_7_days`);
    await dark.page.getByTestId('card-locations').getByTestId('breakdown-row').first().waitFor({ timeout: 30_000 });
    await dark.page.waitForTimeout(300);
    await screenshot(dark.page, 'demo-overview-dark');
    await dark.page.setViewportSize({ width: 390, height: 844 });
    await dark.page.waitForTimeout(300);
    await screenshot(dark.page, 'demo-phone-dark', false);
    await assertNothingRan(dark);
    await dark.context.close();
  });
});
