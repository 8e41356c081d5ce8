import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import {
  assertNothingRan,
  browserUnavailable,
  openWatched,
  registerThroughApi,
  screenshot,
  signIn,
  startFixtureSite,
  startHarness,
  type FixtureSite,
  type Harness,
} from './harness';

/**
 * Shared dashboards in a real Chromium: the owner makes a password-protected link showing two cards in
 * the site's settings; a person without an account opens it, is refused a wrong password, sees exactly
 * those cards and the numbers counted here after the right one; a link is framed by the one origin it
 * names and refused by another; an expired and a revoked link say so.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };
const OWNER = { email: 'sharer@example.com', password: 'correct horse battery' };
const D = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

function events(siteId: string): CanonicalEvent[] {
  return Array.from({ length: 40 }, (_, i) => {
    const ts = Date.parse(`${D}T09:00:00Z`) + i * 60_000;
    const e = emptyEvent({
      event_id: `70000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      site_id: siteId,
      ts,
      received_at: ts,
      name: 'page_view',
    });
    e.visitor_id = `v${i % 17}`;
    e.session_id = `v${i % 17}-s`;
    e.path = ['/', '/pricing', '/docs'][i % 3]!;
    e.host = 'shared.example';
    e.country = 'DE';
    return e;
  });
}

describe.skipIf(!!unavailable)('shared dashboards in the browser', () => {
  let h: Harness;
  let fixture: FixtureSite;
  let siteId = '';
  let written: CanonicalEvent[] = [];

  beforeAll(async () => {
    h = await startHarness();
    fixture = await startFixtureSite();
    expect(await registerThroughApi(h.url, { ...OWNER, org_name: 'Sharers' })).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await fixture?.close();
  });

  it('a protected link with two cards: wrong password refused, then exactly those cards and numbers; revoked afterwards', async () => {
    const owner = await openWatched(h.browser);
    const { page } = owner;
    await page.goto(`${h.url}/login`);
    await signIn(page, OWNER.email, OWNER.password);
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor(SLOW);
    const created = await page.request.post(`${h.url}/api/sites`, {
      data: { domain: 'shared.example', timezone: 'UTC' },
      headers: { origin: h.url },
    });
    siteId = ((await created.json()) as { id: string }).id;
    written = events(siteId);
    await h.server.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });

    await page.goto(`${h.url}/sites/${siteId}/settings`);
    const form = page.getByRole('form', { name: 'New shared link' });
    await form.getByLabel('Link name').fill('Board');
    for (const card of ['Sources', 'Locations', 'Devices']) await form.getByLabel(card, { exact: true }).uncheck();
    await form.getByLabel('Password (optional)').fill('open sesame 42');
    await form.getByRole('button', { name: 'Create link' }).click();
    const url = (await page.getByTestId('share-url').textContent())!;
    expect(url).toMatch(new RegExp(`^${h.url}/share/[A-Za-z0-9_-]{43}$`));
    await expect
      .poll(() => page.getByTestId('share-item').allTextContents(), SLOW)
      .toEqual([expect.stringContaining('Overview (KPIs and chart), Pages · password')]);
    await screenshot(page, 'shares-01-settings');

    // Someone without an account.
    const guest = await openWatched(h.browser);
    const res = await guest.page.goto(`${url}?period=custom&from=${D}&to=${D}`);
    expect(res!.headers()['x-robots-tag']).toBe('noindex, nofollow');
    await guest.page.getByRole('heading', { name: 'This dashboard is protected' }).waitFor(SLOW);
    await guest.page.getByLabel('Password').fill('not it');
    await guest.page.getByRole('button', { name: 'View dashboard' }).click();
    await guest.page.getByRole('alert').filter({ hasText: 'That password is not right.' }).waitFor(SLOW);
    await guest.page.getByLabel('Password').fill('open sesame 42');
    await guest.page.getByRole('button', { name: 'View dashboard' }).click();
    await guest.page.getByRole('heading', { name: 'shared.example' }).waitFor(SLOW);
    const visitors = guest.page.getByTestId('kpi-visitors').locator('.kpi-value');
    await expect.poll(() => visitors.textContent(), SLOW).toBe(String(new Set(written.map((e) => e.visitor_id)).size));
    await expect.poll(() => guest.page.getByTestId('card-pages').getByRole('listitem').count(), SLOW).toBe(3);
    expect(await guest.page.getByTestId('card-locations').count()).toBe(0);
    expect(await guest.page.getByTestId('card-sources').count()).toBe(0);
    expect(await guest.page.getByText('Export').count()).toBe(0);
    // Filtering works as on the dashboard, through the URL.
    await guest.page.getByTestId('card-pages').getByRole('button', { name: '/pricing' }).click();
    await expect.poll(() => new URL(guest.page.url()).searchParams.get('f'), SLOW).toBe('page:/pricing');
    await expect
      .poll(() => guest.page.getByTestId('kpi-pageviews').locator('.kpi-value').textContent(), SLOW)
      .toBe(String(written.filter((e) => e.path === '/pricing').length));
    await screenshot(guest.page, 'shares-02-guest');

    // Revoked: the guest's next visit says so.
    await page.getByRole('button', { name: 'Revoke Board' }).click();
    await expect.poll(() => page.getByTestId('share-item').count(), SLOW).toBe(0);
    await guest.page.reload();
    await guest.page.getByRole('heading', { name: 'Link not available' }).waitFor(SLOW);
    await assertNothingRan(owner);
    await assertNothingRan(guest);
  }, 120_000);

  it('embeds only where the link allows it, and stops at its expiry', async () => {
    const owner = await openWatched(h.browser);
    await owner.page.goto(`${h.url}/login`);
    await signIn(owner.page, OWNER.email, OWNER.password);
    await owner.page.getByRole('heading', { name: 'Sites' }).first().waitFor(SLOW);
    const make = async (data: Record<string, unknown>) =>
      (await (await owner.page.request.post(`${h.url}/api/sites/${siteId}/shares`, { data, headers: { origin: h.url } })).json()) as {
        url: string;
      };
    const embeddable = await make({ cards: ['overview'], frame_ancestors: [fixture.origin] });
    fixture.setHtml(
      `<!doctype html><title>Intranet</title><h1>Intranet</h1><iframe id="f" src="${embeddable.url}?embed=1&period=custom&from=${D}&to=${D}" width="1000" height="700"></iframe>`,
    );

    const visitor = await openWatched(h.browser);
    await visitor.page.goto(`${fixture.origin}/`);
    const frame = visitor.page.frameLocator('#f');
    await expect
      .poll(() => frame.getByTestId('kpi-visitors').locator('.kpi-value').textContent(), SLOW)
      .toBe(String(new Set(written.map((e) => e.visitor_id)).size));
    expect(await frame.getByRole('heading', { name: 'shared.example' }).count()).toBe(0); // the frame version has no page header
    await screenshot(visitor.page, 'shares-03-embedded');

    // Another origin (same server, another host name) is refused by frame-ancestors.
    const other = fixture.origin.replace('fixture.localhost', 'other.localhost');
    const blocked: string[] = [];
    visitor.page.on('console', (m) => blocked.push(m.text()));
    await visitor.page.goto(`${other}/`);
    await expect.poll(() => blocked.some((t) => /frame-ancestors/.test(t)), SLOW).toBe(true);
    expect(await visitor.page.frameLocator('#f').getByTestId('kpi-visitors').count()).toBe(0);

    // Expiry: works until then, says so after.
    const soon = await make({ cards: ['overview'], expires_at: new Date(Date.now() + 3000).toISOString() });
    const guest = await openWatched(h.browser);
    await guest.page.goto(soon.url);
    await guest.page.getByTestId('kpi-visitors').waitFor(SLOW);
    await new Promise((r) => setTimeout(r, 3200));
    await guest.page.reload();
    await guest.page.getByRole('heading', { name: 'Link not available' }).waitFor(SLOW);
    await assertNothingRan(guest);
  }, 120_000);
});
