import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, ownerWithSite, screenshot, startSiteHarness, walkLinks, type SiteHarness } from './harness';

/**
 * The owner builds a trigger on the Triggers page (a page view of /pricing, once ever, quiet hours), dry-runs
 * it over a real visitor's earlier visit, saves it; a second visitor's real Chromium visits /pricing and the
 * evaluation logs a firing the page shows for the open trigger (in the URL); its action, refused by the
 * outbound guard, becomes a dead letter the owner discards.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><a id="pricing" href="/pricing">Pricing</a></body></html>`;
}

describe.skipIf(!!unavailable)('triggers in the dashboard', () => {
  let h: SiteHarness;

  beforeAll(async () => {
    h = await startSiteHarness();
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('dry-runs, saves, shows firings and handles a dead letter', async () => {
    const p = h.owner.page;
    const siteId = await ownerWithSite(h, 'Shop', page);
    const first = await walkLinks(h, ['pricing']);
    await first.context.close();

    // Quiet hours that do not hold now in the site's zone (so the action is due at once): two to four hours ahead.
    const tz = await p.evaluate(async (id) => (await (await fetch(`/api/sites/${id}`)).json()).timezone as string, siteId);
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    const clock = (hh: number) => `${String(hh % 24).padStart(2, '0')}:00`;
    const [quietFrom, quietUntil] = [clock(hour + 2), clock(hour + 4)];
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Triggers' }).click();
    const form = p.getByRole('form', { name: 'New trigger' });
    await form.getByLabel('Name', { exact: true }).fill('Pricing visitors');
    await form.getByLabel('Event name').fill('page_view');
    await form.getByLabel('Path', { exact: true }).fill('/pricing');
    // A local address the outbound guard refuses (private webhooks are not allowed on this server).
    await form.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
    await form.getByLabel('At most').selectOption('once');
    await form.getByLabel('Quiet from').fill(quietFrom);
    await form.getByLabel('Quiet until').fill(quietUntil);
    await form.getByRole('button', { name: 'Dry run' }).click();
    const dry = p.getByRole('region', { name: 'Dry run' });
    await dry.waitFor(SLOW);
    // The first visitor viewed /pricing once: one match, one person, one action let through.
    expect(await dry.getByTestId('dry-matched').textContent()).toBe('1');
    expect(await dry.getByTestId('dry-people').textContent()).toBe('1');
    expect(await dry.getByTestId('dry-actions-let-through').textContent()).toBe('1');
    await screenshot(p, 'triggers-dry-run');

    await form.getByRole('button', { name: 'Create trigger' }).click();
    const row = p.getByTestId('trigger-Pricing visitors');
    await row.waitFor(SLOW);
    expect(await row.textContent()).toContain('once ever');
    expect(await row.textContent()).toContain(`quiet ${quietFrom}–${quietUntil}`);
    await expect.poll(() => p.url(), SLOW).toMatch(/\/triggers\?t=/);

    // A second visitor after the trigger was made; one evaluation pass and one delivery round.
    const second = await walkLinks(h, ['pricing']);
    await second.context.close();
    const pass = await h.server.ctx.triggers.evaluate(siteId);
    expect(pass.queued).toBe(1);
    await h.server.ctx.triggers.deliverDue();

    await p.reload();
    const firings = p.getByRole('table', { name: 'Firings' });
    await firings.waitFor(SLOW);
    const cells = await firings.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells[2]).toBe('queued');
    expect(cells[4]).toContain("trigger 'Pricing visitors' matched: page_view /pricing");

    const dead = p.getByTestId('dead-letter');
    await dead.waitFor(SLOW);
    expect(await dead.textContent()).toContain('webhook');
    await screenshot(p, 'triggers-firings');
    await dead.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => p.getByTestId('dead-letter').count(), SLOW).toBe(0);
  });
});
