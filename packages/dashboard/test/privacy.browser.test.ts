import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { assertNothingRan, browserUnavailable, DESKTOP_UA, ownerWithSite, screenshot, startSiteHarness, type SiteHarness } from './harness';

/**
 * Privacy requests in Chromium: a signed-in customer's page views reach the site; the owner records an
 * access request for the user id in the site's Privacy tab, sees it complete within its 30-day deadline
 * and downloads the archive (which holds those page views); then records an erasure (confirmation
 * required) and sees what it removed; the API no longer finds the user's events.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 30_000 };

describe.skipIf(!!unavailable)('privacy requests in the browser', () => {
  let h: SiteHarness;

  beforeAll(async () => {
    h = await startSiteHarness();
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('records an access request, downloads its archive, then erases the person', async () => {
    const p = h.owner.page;
    const siteId = await ownerWithSite(h, 'Shop');
    const trackingId: string = await p.evaluate(async (id) => (await (await fetch(`/api/sites/${id}`)).json()).tracking_id, siteId);
    const paths = ['/', '/pricing', '/checkout'];
    for (const path of paths) {
      const r = await fetch(`${h.url}/api/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': DESKTOP_UA, origin: h.fixture.origin },
        body: JSON.stringify({
          site_id: trackingId,
          events: [{ name: 'page_view', properties: { url: `${h.fixture.origin}${path}`, path } }],
          visitor: { user_id: 'customer-4711' },
        }),
      });
      expect(r.status).toBe(202);
    }

    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Privacy' }).click();
    await p.getByRole('heading', { name: 'Privacy requests' }).waitFor();
    const form = p.getByRole('form', { name: 'New privacy request' });
    await form.getByLabel('Identifier').fill('customer-4711');
    await form.getByRole('button', { name: 'Record request' }).click();
    const table = p.getByRole('table', { name: 'Privacy requests' });
    await expect.poll(() => table.getByTestId('dsr-status').allTextContents(), SLOW).toEqual(['completed']);
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toContain('cus…11');
    const link = table.getByRole('link', { name: /Download archive \(events 3/ });
    await link.waitFor(SLOW);
    const zip = await p.request.get(new URL((await link.getAttribute('href'))!, h.url).toString());
    expect(zip.status()).toBe(200);
    const events = JSON.parse(strFromU8(unzipSync(await zip.body())['events.json']!)) as Array<{ path: string }>;
    expect(events.map((e) => e.path).sort()).toEqual([...paths].sort());
    await screenshot(p, 'privacy-01-access');

    await form.getByLabel('Request').selectOption('erasure');
    await form.getByLabel('Identifier').fill('customer-4711');
    await form.getByRole('button', { name: 'Record request' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toContain('cannot be undone');
    await form.getByLabel('I understand the erasure cannot be undone').check();
    await form.getByRole('button', { name: 'Record request' }).click();
    await expect.poll(() => table.getByTestId('dsr-status').allTextContents(), SLOW).toEqual(['completed', 'completed']);
    // The identify fact of the person's sign-in is deleted too (revenue facts), before the events.
    await expect.poll(() => table.locator('tbody tr').first().textContent(), SLOW).toMatch(/removed: (.* · )?events 3( · |$)/);
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toContain('Done');
    await screenshot(p, 'privacy-02-erased');

    const stats = await p.evaluate(async (id) => (await fetch(`/api/sites/${id}/stats?period=today&metrics=pageviews`)).json(), siteId);
    expect(stats.metrics.pageviews.value).toBe(0);
    await assertNothingRan(h.owner);
  });
});
