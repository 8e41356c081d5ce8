import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder } from '../../server/test/helpers/http-recorder';
import { HubSpotFake } from '../../server/test/helpers/provider-fakes';
import { assertNothingRan, browserUnavailable, ownerWithSite, screenshot, startSiteHarness, type SiteHarness } from './harness';

/**
 * Site connections in a real Chromium: the owner saves a HubSpot token and the base URL of a local stand-in
 * for HubSpot's API, tests it (the stand-in checks the token), sees a refusal after replacing the token with
 * a wrong one, and removes the connection. The token never comes back to the page.
 */
const unavailable = browserUnavailable();

const TOKEN = 'pat-na1-browser-0000-1111-2222-333333333333';
const SLOW = { timeout: 20_000 };

describe.skipIf(!!unavailable)('site connections in the browser', () => {
  let h: SiteHarness;
  const hubspot = new HubSpotFake(TOKEN, []);
  let hs: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    hs = await startRecorder(hubspot.handle);
    // The stand-in listens on loopback: the admin's allowance for private addresses lets the server reach it.
    h = await startSiteHarness({ allowPrivateWebhooks: true });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await hs?.close();
  });

  it('an admin connects HubSpot, tests the token, sees a wrong one refused, and removes the connection', async () => {
    const { owner } = h;
    const { page } = owner;
    const siteId = await ownerWithSite(h, 'Shop');

    await page.goto(`${h.url}/sites/${siteId}/settings`);
    const card = page.getByTestId('connections-card');
    await card.waitFor();
    const form = page.getByTestId('connection-hubspot');
    expect(await page.getByTestId('connection-hubspot-state').textContent()).toBe('Not connected.');
    expect(await form.getByRole('button', { name: 'Test' }).isDisabled()).toBe(true);

    await form.getByLabel('Private app token').fill(TOKEN);
    await form.getByLabel('API base URL').fill(hs.url);
    await form.getByRole('button', { name: 'Save HubSpot' }).click();
    await expect.poll(() => page.getByTestId('connection-hubspot-status').textContent(), SLOW).toBe('HubSpot token saved.');
    await expect.poll(() => page.getByTestId('connection-hubspot-state').textContent(), SLOW).toMatch(/^Connected/);
    // Write-only: the field is empty again and the token is nowhere on the page.
    expect(await form.getByLabel('Private app token').inputValue()).toBe('');
    expect(await page.content()).not.toContain(TOKEN);
    expect(await form.getByLabel('API base URL').inputValue()).toBe(hs.url);

    await form.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByTestId('connection-hubspot-status').textContent(), SLOW).toBe('HubSpot accepted the token.');
    expect(hs.requests.at(-1)).toMatchObject({ method: 'GET', url: '/crm/v3/objects/contacts?limit=1' });
    expect(hs.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);

    await form.getByLabel('Private app token').fill('pat-na1-not-the-right-token');
    await form.getByRole('button', { name: 'Save HubSpot' }).click();
    await expect.poll(() => page.getByTestId('connection-hubspot-status').textContent(), SLOW).toBe('HubSpot token saved.');
    await form.getByRole('button', { name: 'Test' }).click();
    await expect
      .poll(() => page.getByTestId('connection-hubspot-status').textContent(), SLOW)
      .toBe('HubSpot refused: HTTP 401: Authentication credentials not found.');
    await screenshot(page, 'connections-refused');

    await form.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('connection-hubspot-state').textContent(), SLOW).toBe('Not connected.');
    expect(await page.getByTestId('connection-klaviyo-state').textContent()).toBe('Not connected.');
    await assertNothingRan(owner);
    await owner.context.close();
  });
});
