import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectAccepted,
  ownerWithSite,
  walkLinks,
  assertNothingRan,
  browserUnavailable,
  screenshot,
  startSiteHarness,
  type SiteHarness,
  type Watched,
} from './harness';

/**
 * A visitor's real Chromium views the home page, then signs in (`tidemark.identify`); the owner opens
 * Cohorts and sees this week's cohort of one person active now, counted as people by default (the site
 * has identified users); counting visitor ids shows the note on cookieless ids; the view is in the URL;
 * with a goal, the journey segments show the visit as a direct conversion.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><button id="login" type="button">Sign in</button>
<script>
document.getElementById('login').addEventListener('click', function () {
  window.tidemark.identify('user-42', { plan: 'pro' });
  document.title = 'signed in';
});
</script></body></html>`;
}

describe.skipIf(!!unavailable)('cohorts in the browser', () => {
  let h: SiteHarness;
  let owner: Watched;
  let siteId = '';

  beforeAll(async () => {
    h = await startSiteHarness();
    ({ owner } = h);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('records a visitor who signs in', async () => {
    const p = owner.page;
    siteId = await ownerWithSite(h, 'Shop', page);
    const visitor = await walkLinks(h, []);
    const v = visitor.page;
    const collected = collectAccepted(v);
    await v.click('#login');
    await collected;
    await visitor.context.close();
    const identified = () =>
      p.evaluate(async (id) => {
        const r = await fetch(`/api/sites/${id}/cohorts?period=today`);
        return (await r.json()).basis;
      }, siteId);
    await expect.poll(identified, SLOW).toBe('people');
  });

  it('shows the retention grid, its basis, and keeps the view in the URL', async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Cohorts' }).click();
    await p.getByTestId('cohort-grid').waitFor(SLOW);
    expect(await p.getByTestId('cohort-basis').textContent()).toContain('Counting people');
    const row = p.getByTestId('cohort-row');
    expect(await row.count()).toBe(1);
    const cells = await row.first().locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['1', '100%']);
    await screenshot(p, 'cohorts-weekly');

    await p.getByLabel('Count').selectOption('visitors');
    await p.getByTestId('cohort-basis-note').waitFor(SLOW);
    expect(await p.getByTestId('cohort-basis-note').textContent()).toMatch(/cookieless/);
    await p.getByLabel('Period').selectOption('month');
    await expect.poll(() => new URL(p.url()).searchParams.get('interval'), SLOW).toBe('month');
    await p.reload();
    await p.getByTestId('cohort-grid').waitFor(SLOW);
    expect(await p.getByRole('columnheader', { name: 'Month 0' }).count()).toBe(1);
    expect(new URL(p.url()).searchParams.get('unit')).toBe('visitors');

    // With a goal (viewing the home page), the visit is a direct conversion.
    const created = await p.evaluate(
      async (id) =>
        (
          await fetch(`/api/sites/${id}/goals`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'Home', type: 'destination', match: { path: '/' } }),
          })
        ).status,
      siteId,
    );
    expect(created).toBe(201);
    await p.reload();
    await p.getByLabel('Goal').selectOption({ label: 'Home' });
    await p.getByTestId('journey-segments').waitFor(SLOW);
    const first = await p.getByTestId('journey-segments').locator('tbody tr').first().locator('td').allTextContents();
    expect([first[0], first[2]]).toEqual(['Direct converters', '1']);
    await screenshot(p, 'cohorts-journeys');
    await assertNothingRan(owner);
  });
});
