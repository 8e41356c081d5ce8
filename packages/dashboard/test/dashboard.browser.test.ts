import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  addFirstSite,
  assertNothingRan,
  browserUnavailable,
  fixturePage,
  HOSTILE,
  OWNER,
  openWatched,
  screenshot,
  signIn,
  startSiteHarness,
  type FixtureSite,
  type SiteHarness,
  type Watched,
} from './harness';

/**
 * The main journeys in a real Chromium against a real server (embedded stores in a temp dir):
 * first-run setup, adding a site, a fixture page carrying the copied snippet, the first-event check,
 * realtime, the overview, filtering by clicking, periods in the URL, a viewer who cannot change
 * settings, sign-out/sign-in and password change. Tracked strings carry script payloads throughout;
 * any dialog, CSP violation, page error or `window.__pwned` fails the suite.
 */
const unavailable = browserUnavailable();

/** The machine may be busy: waits are generous, and no test asserts on time. */
const SLOW = { timeout: 15_000 };

const VIEWER = { email: 'viewer@example.com', password: 'viewer password 1', name: 'Victor Viewer' };

describe.skipIf(!!unavailable)('dashboard in the browser', () => {
  let h: SiteHarness;
  let fixture: FixtureSite;
  let owner: Watched;
  let siteId = '';

  beforeAll(async () => {
    h = await startSiteHarness();
    ({ fixture, owner } = h);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  const kpi = (page: Page, metric: string) => page.getByTestId(`kpi-${metric}`).locator('.kpi-value');

  it('serves the SPA with a CSP and no inline scripts, and falls back to index.html for client routes', async () => {
    for (const path of ['/', '/sites/abc/settings?period=today']) {
      const res = await fetch(h.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      const html = await res.text();
      // Every <script> has a src: nothing inline for the CSP to have to allow.
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\bsrc=/);
        expect(body.trim()).toBe('');
      }
      expect(html).not.toMatch(/<style\b/i);
    }
    const api404 = await fetch(`${h.url}/api/does-not-exist`);
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ success: false, error: { code: 'not_found' } });
  });

  it('first run: setup creates the owner and lands on an empty site list', async () => {
    const { page } = owner;
    await page.goto(h.url);
    await page.getByRole('heading', { name: 'Set up Tidemark' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByLabel('Organization name').fill('Acme');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('button', { name: 'Load demo data' }).waitFor();
    await screenshot(page, '01-empty-account');
  });

  it('adds a site, shows the snippet and turns green when the fixture page sends its first event', async () => {
    const { page } = owner;
    const site = await addFirstSite(page, fixture.origin, 'Fixture site');
    siteId = site.siteId;
    expect(siteId).toBeTruthy();
    const { snippet } = site;
    expect(snippet).toContain('/t.js');
    await expect.poll(() => page.getByTestId('first-event-status').textContent(), SLOW).toContain('Waiting for the first event');

    // The tracked site: a page carrying the snippet copied from the dashboard.
    fixture.setHtml(fixturePage(snippet));
    const visitor = await openWatched(h.browser);
    const q = new URLSearchParams({ utm_source: HOSTILE.source, utm_medium: 'email', utm_campaign: HOSTILE.campaign });
    await visitor.page.goto(`${fixture.origin}/pricing?${q}`, { referer: 'https://news.example.org/thread/1' });
    await visitor.page.waitForFunction(() => typeof (window as unknown as { tidemark?: unknown }).tidemark !== 'undefined');
    await visitor.page.click('#signup');

    await expect.poll(() => page.getByTestId('first-event-status').textContent(), { timeout: 20_000 }).toContain('Receiving data');
    await screenshot(page, '02-snippet-first-event');
    await visitor.context.close();
  });

  it('realtime shows the visitor and the page they are on', async () => {
    const { page } = owner;
    await page.goto(`${h.url}/sites/${siteId}/realtime`);
    await expect
      .poll(async () => Number(await page.getByTestId('realtime-count').textContent()), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.getByTestId('realtime-page').allTextContents(), SLOW).toContain('/pricing');
    await assertNothingRan(owner);
  });

  it('overview shows the visit, renders hostile values as text, and filters by clicking', async () => {
    const { page } = owner;
    await page.goto(`${h.url}/sites/${siteId}`);
    await expect.poll(() => kpi(page, 'visitors').textContent(), { timeout: 15_000 }).toBe('1');
    expect(await kpi(page, 'pageviews').textContent()).toBe('1');

    const pages = page.getByTestId('card-pages');
    await pages.getByRole('button', { name: '/pricing' }).waitFor();
    // One visitor, never seen before; the pages table adds time on page and scroll depth.
    await expect.poll(() => page.getByTestId('kpi-visitor-split').textContent(), SLOW).toBe('1 new · 0 returning');
    await pages.getByRole('button', { name: 'Show table' }).click();
    await expect
      .poll(() => pages.locator('th').allTextContents(), SLOW)
      .toEqual(['Page', 'Visitors', 'Pageviews', 'Time on page', 'Scroll depth']);
    await expect.poll(() => pages.locator('tbody tr').count(), SLOW).toBeGreaterThan(0);
    await pages.getByRole('button', { name: 'Show list' }).click();
    await pages.getByRole('button', { name: '/pricing' }).waitFor();

    // Sources → the utm_source tab shows the script-bearing source as literal text.
    const sources = page.getByTestId('card-sources');
    await sources.getByRole('tab', { name: 'Sources' }).click();
    await sources.getByText(HOSTILE.source, { exact: true }).waitFor();
    await sources.getByRole('tab', { name: 'Campaign' }).click();
    await sources.getByText(HOSTILE.campaign, { exact: true }).waitFor();

    // Custom event and its property breakdown.
    const events = page.getByTestId('card-events');
    await events.getByRole('button', { name: 'signup' }).waitFor();
    await events.getByLabel('Break down by property').fill('plan');
    await events.getByRole('button', { name: 'Show', exact: true }).click();
    await events.getByText(HOSTILE.prop, { exact: true }).waitFor();
    expect(await page.locator('svg[onload], img[onerror]').count()).toBe(0);

    // Click a row: it becomes a filter, in the URL too.
    await pages.getByRole('button', { name: '/pricing' }).click();
    await page.getByTestId('filter-chip').filter({ hasText: '/pricing' }).waitFor();
    expect(new URL(page.url()).searchParams.getAll('f')).toEqual(['page:/pricing']);
    await expect.poll(() => kpi(page, 'visitors').textContent(), SLOW).toBe('1');

    // Filter by the hostile source as well; the shared URL restores both filters after a reload.
    await sources.getByRole('tab', { name: 'Sources' }).click();
    await sources.getByRole('button', { name: HOSTILE.source }).click();
    await expect.poll(() => page.getByTestId('filter-chip').count(), SLOW).toBe(2);
    await page.reload();
    await expect.poll(() => page.getByTestId('filter-chip').count(), SLOW).toBe(2);
    await page.getByTestId('filter-chip').filter({ hasText: HOSTILE.source }).waitFor();
    await expect.poll(() => kpi(page, 'visitors').textContent(), { timeout: 15_000 }).toBe('1');
    await screenshot(page, '03-overview-filtered');

    await page.getByRole('button', { name: 'Remove filter Page' }).click();
    await expect.poll(() => page.getByTestId('filter-chip').count(), SLOW).toBe(1);
    await page.getByRole('button', { name: 'Remove filter Source' }).click();
    await expect.poll(() => page.getByTestId('filter-chip').count(), SLOW).toBe(0);
    await assertNothingRan(owner);
  });

  it('keeps the period in the URL and refetches for it', async () => {
    const { page } = owner;
    await page.getByLabel('Period', { exact: true }).selectOption('last_7_days');
    await expect.poll(() => new URL(page.url()).searchParams.get('period'), SLOW).toBe('last_7_days');
    await expect.poll(() => kpi(page, 'visitors').textContent(), SLOW).toBe('1');
    await page.getByLabel('Period', { exact: true }).selectOption('yesterday');
    await expect.poll(() => kpi(page, 'visitors').textContent(), SLOW).toBe('0');
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('period'), SLOW).toBe('last_7_days');
    await expect.poll(() => kpi(page, 'visitors').textContent(), SLOW).toBe('1');

    // Every chart has a table view.
    await page.getByRole('button', { name: 'Show table' }).first().click();
    await page.locator('table.data-table').first().waitFor();
  });

  it('invites a viewer who can read statistics but not change settings', async () => {
    const { page } = owner;
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByLabel('Email').fill(VIEWER.email);
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const link = (await page.getByTestId('invite-link').textContent()) ?? '';
    expect(link).toContain('/invite/');

    const viewer = await openWatched(h.browser);
    await viewer.page.goto(link.replace(/^https?:\/\/[^/]+/, h.url));
    await viewer.page.getByLabel('Your name').fill(VIEWER.name);
    await viewer.page.getByLabel('Password').fill(VIEWER.password);
    await viewer.page.getByRole('button', { name: 'Create account and join' }).click();
    await viewer.page.getByRole('link', { name: /Fixture site/ }).click();
    await expect.poll(() => kpi(viewer.page, 'visitors').textContent(), { timeout: 15_000 }).toBe('1');
    expect(await viewer.page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'Add site' }).count()).toBe(0);

    await viewer.page.goto(`${h.url}/sites/${siteId}/settings`);
    await viewer.page.getByText('You can view this site’s statistics but not change its settings.').waitFor();
    expect(await viewer.page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await viewer.page.getByLabel('Domain').isDisabled()).toBe(true);
    // The server refuses too, whatever the page shows.
    const status = await viewer.page.evaluate(async (id) => {
      const res = await fetch(`/api/sites/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'hijacked' }),
      });
      return res.status;
    }, siteId);
    expect([403, 404]).toContain(status);
    await assertNothingRan(viewer);
    await viewer.context.close();

    await page.goto(`${h.url}/team`);
    await page.getByRole('cell', { name: VIEWER.email }).waitFor();
  });

  it('site settings show the Umami website id and the snippets for Plausible and Umami clients', async () => {
    const { page } = owner;
    await page.goto(`${h.url}/sites/${siteId}/settings`);
    const site = await page.evaluate(async (id) => (await fetch(`/api/sites/${id}`)).json(), siteId);
    expect(site.umami_website_id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('umami-website-id').textContent(), { timeout: 15_000 }).toBe(site.umami_website_id);
    expect(await page.getByTestId('umami-script').textContent()).toBe(
      `<script defer src="https://cloud.umami.is/script.js" data-website-id="${site.umami_website_id}" data-host-url="${h.url}"></script>`,
    );
    expect(await page.getByTestId('plausible-script').textContent()).toContain(
      `data-domain="${site.domain}" data-api="${h.url}/api/event"`,
    );
    await assertNothingRan(owner);
  });

  it('changes the password, signs out and signs back in with it', async () => {
    const { page } = owner;
    const next = 'a brand new passphrase';
    await page.getByRole('link', { name: OWNER.name }).click();
    await page.getByLabel('Current password').fill(OWNER.password);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Repeat new password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(next);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await assertNothingRan(owner);
  });

  it('creates an API key that is shown once, works, and stops working when revoked', async () => {
    const { page } = owner;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('Reporting script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = ((await page.getByTestId('new-api-key').textContent()) ?? '').trim();
    expect(key.length).toBeGreaterThan(20);
    const auth = { authorization: `Bearer ${key}` };
    expect((await fetch(`${h.url}/v1/sites`, { headers: auth })).status).toBe(200);

    await page.reload();
    await page.getByRole('cell', { name: 'Reporting script', exact: true }).waitFor();
    expect(await page.getByTestId('new-api-key').count()).toBe(0);
    expect(await page.getByText(key).count()).toBe(0);

    await page.getByRole('button', { name: 'Revoke key Reporting script' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'Reporting script', exact: true }).count(), SLOW).toBe(0);
    expect((await fetch(`${h.url}/v1/sites`, { headers: auth })).status).toBe(401);
  });

  it('opens a custom range from the URL and switches between organizations', async () => {
    const { page } = owner;
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${h.url}/sites/${siteId}?period=custom&from=${day(-3)}&to=${day(0)}`);
    await expect.poll(() => kpi(page, 'visitors').textContent(), SLOW).toBe('1');
    expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('custom');
    expect(await page.getByLabel('From').inputValue()).toBe(day(-3));
    await page.goto(`${h.url}/sites/${siteId}?period=custom&from=${day(-30)}&to=${day(-10)}`);
    await expect.poll(() => kpi(page, 'visitors').textContent(), SLOW).toBe('0');

    await page.getByRole('link', { name: OWNER.name }).click();
    await page.getByLabel('Organization name').fill('Second Org');
    await page.getByRole('button', { name: 'Create organization' }).click();
    const switcher = page.getByRole('combobox', { name: 'Organization', exact: true });
    await expect.poll(async () => (await switcher.count()) && switcher.locator('option:checked').textContent(), SLOW).toBe('Second Org');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor();
    await switcher.selectOption({ label: 'Acme' });
    await page.getByRole('link', { name: /Fixture site/ }).waitFor();
    await expect.poll(() => page.getByTestId('site-today-visitors').textContent(), SLOW).toBe('1');
    await assertNothingRan(owner);
  });

  it('works on a phone-sized screen in the dark theme', async () => {
    const phone = await openWatched(h.browser, { width: 390, colorScheme: 'dark' });
    await phone.page.goto(h.url);
    await signIn(phone.page, OWNER.email, 'a brand new passphrase');
    await phone.page.getByRole('heading', { name: 'Sites' }).waitFor();
    await phone.page.goto(`${h.url}/sites/${siteId}`);
    await expect.poll(() => kpi(phone.page, 'visitors').textContent(), { timeout: 15_000 }).toBe('1');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(phone.page, '04-phone-dark');
    await assertNothingRan(phone);
    await phone.context.close();
  });
});
