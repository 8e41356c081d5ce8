import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNothingRan, browserUnavailable, ownerWithSite, screenshot, startSiteHarness, type SiteHarness } from './harness';

/**
 * The Consent tab in Chromium: the owner switches the site to `required` with replay as a category and
 * German texts, and gets the t.consent.js snippet; decisions recorded from the site's origin appear in the
 * consent log, a search by pseudonymous id goes into the URL, and the hash chain verifies.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

describe.skipIf(!!unavailable)('consent settings and log in the browser', () => {
  let h: SiteHarness;

  beforeAll(async () => {
    h = await startSiteHarness();
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('sets the mode and texts, shows the snippet, lists and verifies decisions', async () => {
    const p = h.owner.page;
    const siteId = await ownerWithSite(h, 'Shop');
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Consent' }).click();
    const form = p.getByRole('form', { name: 'Consent settings' });
    await form.getByLabel('Consent mode').selectOption('required');
    await form.getByLabel('Session recordings').check();
    await form.getByLabel('Language').fill('de');
    await form.getByLabel('Text: title').fill('Ihre Privatsphäre');
    await form.getByRole('button', { name: 'Save consent settings' }).click();
    await expect.poll(() => p.getByTestId('consent-snippet').textContent(), SLOW).toContain('t.consent.js');
    expect(await p.getByTestId('consent-snippet').textContent()).toContain('data-consent="required"');
    const settings = await p.evaluate(async (id) => (await fetch(`/api/sites/${id}/consent`)).json(), siteId);
    expect(settings).toMatchObject({
      mode: 'required',
      categories: ['analytics', 'replay'],
      texts: { de: { title: 'Ihre Privatsphäre' } },
    });

    const trackingId: string = await p.evaluate(async (id) => (await (await fetch(`/api/sites/${id}`)).json()).tracking_id, siteId);
    const decisions = [
      ['visitor-aaaa-1111', { analytics: true, replay: true, heatmaps: false, marketing: false }],
      ['visitor-bbbb-2222', { analytics: false, replay: false, heatmaps: false, marketing: false }],
      ['visitor-aaaa-1111', { analytics: true, replay: false, heatmaps: false, marketing: false }],
    ] as const;
    for (const [subject, choice] of decisions) {
      const r = await fetch(`${h.url}/api/consent`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: h.fixture.origin },
        body: JSON.stringify({ site_id: trackingId, subject, choice, text_version: settings.text_version, source: 'banner' }),
      });
      expect(r.status).toBe(201);
    }
    await p.reload();
    const table = p.getByRole('table', { name: 'Consent decisions' });
    await expect.poll(() => table.locator('tbody tr').count(), SLOW).toBe(3);
    expect(await table.locator('tbody tr td:nth-child(4)').allTextContents()).toEqual(['analytics', 'nothing', 'analytics, replay']);
    await p.getByLabel('Pseudonymous id').fill('visitor-aaaa-1111');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('subject'), SLOW).toBe('visitor-aaaa-1111');
    await expect.poll(() => table.locator('tbody tr').count(), SLOW).toBe(2);
    await p.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => p.getByTestId('chain-status').textContent(), SLOW).toBe('Chain intact: 3 entries checked.');
    await screenshot(p, 'consent-01-settings-and-log');
    await assertNothingRan(h.owner);
  });
});
