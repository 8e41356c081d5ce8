import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNothingRan,
  browserUnavailable,
  OWNER,
  openWatched,
  screenshot,
  setUpOwner,
  startHarness,
  type Harness,
  type Watched,
} from './harness';

/**
 * A reseller in Chromium: the Clients screen creates a client, opens its dashboard (the banner says whose
 * and leads back), the Usage screen and the over-limit banner show the organization's monthly events
 * against its limits, and the branding's default theme applies until the person picks one.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

describe.skipIf(!!unavailable)('resellers in the browser', () => {
  let h: Harness;
  let owner: Watched;
  let orgId = '';

  beforeAll(async () => {
    h = await startHarness();
    owner = await openWatched(h.browser);
    await setUpOwner(owner.page, h.url);
    await owner.page.getByRole('link', { name: 'Sites' }).waitFor(SLOW);
    const user = await h.server.ctx.meta.users.byEmail(OWNER.email);
    orgId = (await h.server.ctx.meta.orgs.listForUser(user!.id))[0]!.id;
    // The operator's step: `tidemark org reseller Acme --max-sub-orgs 3 --max-events-per-sub-org 50000`.
    await h.server.ctx.meta.tenancy.setReseller(orgId, true, {
      max_sub_organizations: 3,
      max_sites_per_sub_org: 2,
      max_events_per_sub_org: 50_000,
    });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('creates a client, opens its dashboard with the banner, and comes back', async () => {
    const p = owner.page;
    await p.reload();
    await p.getByRole('link', { name: 'Clients' }).click();
    await p.getByRole('heading', { name: 'Clients · Acme', level: 1 }).waitFor(SLOW);
    const form = p.getByRole('form', { name: 'New client' });
    await form.getByLabel('Name').fill('Harbour Café');
    expect(await form.getByLabel('Hard limit (events a month)').inputValue()).toBe('50000');
    await form.getByRole('button', { name: 'Create client' }).click();
    const open = p.getByRole('button', { name: 'Open dashboard of Harbour Café' });
    await open.waitFor(SLOW);
    await screenshot(p, 'resellers-01-clients');
    await open.click();
    const banner = p.getByTestId('viewing-as');
    await expect.poll(() => banner.textContent(), SLOW).toMatch(/Viewing as Harbour Café \(client of Acme\)/);
    // The client's own (empty) dashboard, and no Clients entry for it.
    await expect.poll(() => p.getByRole('link', { name: 'Clients' }).count(), SLOW).toBe(0);
    await screenshot(p, 'resellers-02-viewing-as');
    await banner.getByRole('button', { name: 'Back to Acme' }).click();
    await p.getByRole('heading', { name: 'Clients · Acme', level: 1 }).waitFor(SLOW);
    expect(await p.getByTestId('viewing-as').count()).toBe(0);
    const audit = await h.server.ctx.meta.auditLog.list(orgId, { limit: 20 });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['reseller.client_created', 'reseller.switched_in', 'reseller.switched_out']),
    );
    await assertNothingRan(owner);
  });

  it('shows usage, and a banner once the monthly limit is reached', async () => {
    const p = owner.page;
    await p.getByRole('link', { name: 'Usage' }).click();
    await p.getByRole('heading', { name: 'Usage · Acme', level: 1 }).waitFor(SLOW);
    await expect.poll(() => p.getByTestId('usage-events').textContent(), SLOW).toBe('0 (no limit)');
    expect(await p.getByTestId('usage-seats').textContent()).toBe('1');
    expect(await p.getByTestId('usage-banner').count()).toBe(0);
    await h.server.ctx.meta.tenancy.setEventLimits(orgId, { events_hard_limit: 0 });
    await p.reload();
    await expect.poll(() => p.getByTestId('usage-banner').textContent(), SLOW).toMatch(/reached its limit of 0 events this month/);
    expect(await p.getByTestId('usage-events').textContent()).toBe('0 of 0');
    await screenshot(p, 'resellers-03-usage-over');
    await h.server.ctx.meta.tenancy.setEventLimits(orgId, { events_hard_limit: null });
  });

  it("applies the branding's default theme until the person picks one", async () => {
    const p = owner.page;
    await p.getByRole('link', { name: 'Domains' }).click();
    const form = p.getByRole('form', { name: 'Branding' });
    await form.getByLabel('Default theme').selectOption('dark');
    await form.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => p.evaluate(() => document.documentElement.dataset.theme ?? ''), SLOW).toBe('dark');
    await p.reload();
    await expect.poll(() => p.evaluate(() => document.documentElement.dataset.theme ?? ''), SLOW).toBe('dark');
    // The person's own choice wins over the organization's default: system → dark → light.
    const toggle = p.getByRole('button', { name: /theme \(click to change\)/ });
    await toggle.click();
    await toggle.click();
    await expect.poll(() => p.evaluate(() => localStorage.getItem('tidemark.theme')), SLOW).toBe('light');
    expect(await p.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  });
});
