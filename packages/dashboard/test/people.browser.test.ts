import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNothingRan,
  browserUnavailable,
  openWatched,
  ownerWithSite,
  screenshot,
  startSiteHarness,
  type FixtureSite,
  type SiteHarness,
  type Watched,
} from './harness';

/**
 * The owner turns trait privacy on and allows two traits in the site settings. A visitor's real
 * Chromium views two pages anonymously, then signs in mid-session (`tidemark.identify` with traits).
 * The owner finds the person on the People page by the user id; the profile shows the allowed traits
 * (the e-mail masked, the other trait gone), the merge of the visitor id into the user and, in its
 * timeline, the page views from before the sign-in. The profile is in the URL, the search is not.
 * The owner then sets lead-scoring rules in the site's settings and sees the person's score in the
 * People list (ordered by score) and, with its reasons, on the profile.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><button id="login" type="button">Sign in</button>
<script>
document.getElementById('login').addEventListener('click', function () {
  window.tidemark.identify('user-42', { plan: 'pro', email: 'jane@shop.test', secret: 'kept-out-1234' });
  document.title = 'signed in';
});
</script></body></html>`;
}

describe.skipIf(!!unavailable)('people in the browser', () => {
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

  it('records a visit that signs in after two anonymous page views', async () => {
    const p = owner.page;
    // The page is served now; no visitor opens it before the settings are saved.
    siteId = await ownerWithSite(h, 'Shop', page);
    await p.goto(`${h.url}/sites/${siteId}/settings`);
    const people = p.getByRole('form', { name: 'People' });
    await people.getByLabel('Trait privacy').check();
    await people.getByLabel('Allowed traits').fill('plan\nemail');
    await people.getByRole('button', { name: 'Save people settings' }).click();
    await people.getByRole('status').waitFor(SLOW);
    const visitor = await openWatched(h.browser);
    const v = visitor.page;
    const sent = () => v.waitForResponse((r) => r.url().endsWith('/api/collect') && r.status() === 202, SLOW);
    let collected = sent();
    await v.goto(`${fixture.origin}/`);
    await collected;
    collected = sent();
    await v.goto(`${fixture.origin}/pricing`);
    await collected;
    collected = sent();
    await v.click('#login');
    await collected;
    await visitor.context.close();
    const identified = () =>
      p.evaluate(async (id) => {
        const r = await fetch(`/api/sites/${id}/profiles?search=user-42`);
        return (await r.json()).total;
      }, siteId);
    await expect.poll(identified, SLOW).toBe(1);
  });

  it('finds the person and shows the page views from before the sign-in', async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'People' }).click();
    await p.getByTestId('profile-list').waitFor(SLOW);
    // The list filtered like the stats: people with a session that visited a page.
    await p.getByLabel('Visited page').fill('/nowhere');
    await p.getByRole('button', { name: 'Search' }).click();
    await p.getByText('No people match.').waitFor(SLOW);
    await p.getByLabel('Visited page').fill('/pricing');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('visited'), SLOW).toBe('/pricing');
    await p.getByTestId('profile-list').waitFor(SLOW);
    await p.getByLabel('Search', { exact: true }).fill('USER-42');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => p.getByTestId('people-total').textContent(), SLOW).toMatch(/^1 person/);
    // A search may be a trait value: it stays out of the URL.
    expect(p.url()).not.toContain('USER-42');
    await p.getByTestId('profile-list').getByRole('link', { name: 'user-42' }).click();
    await p.getByTestId('profile-timeline').waitFor(SLOW);
    expect(new URL(p.url()).pathname).toBe(`/sites/${siteId}/people/uuser-42`);
    expect(await p.getByTestId('profile-name').textContent()).toBe('user-42');
    const traits = p.getByRole('region', { name: 'Traits' });
    // The profile's parts arrive on their own: wait for the traits before reading them.
    await expect.poll(() => traits.locator('tbody tr td:first-child').allTextContents(), SLOW).toEqual(['email', 'plan']);
    const rows: string[][] = [];
    for (const tr of await traits.locator('tbody tr').all()) rows.push(await tr.locator('td').allTextContents());
    expect(rows.map((r) => r[0])).toEqual(['email', 'plan']);
    expect(rows[0]![1]).toMatch(/^•••• [0-9a-f]{6}$/);
    expect(rows[1]![1]).toBe('pro');
    const shown = await p.locator('body').textContent();
    expect(shown).not.toContain('kept-out-1234');
    expect(shown).not.toContain('jane@shop.test');
    // The visitor id joined the user when it signed in.
    const merges = p.getByRole('region', { name: 'Merges' });
    await expect.poll(() => merges.locator('tbody tr').count(), SLOW).toBe(1);
    expect(await merges.locator('tbody tr td').allTextContents()).toEqual(expect.arrayContaining(['user-42', '—']));
    // One session: the two anonymous page views, then the sign-in.
    expect(await p.getByTestId('timeline-session').count()).toBe(1);
    const steps = await p.getByTestId('timeline-step').allTextContents();
    const views = steps.filter((s) => s.startsWith('Viewed'));
    expect(views).toEqual(['Viewed /', 'Viewed /pricing']);
    expect(steps.findIndex((s) => s.startsWith('identify'))).toBeGreaterThan(steps.indexOf('Viewed /pricing'));
    await screenshot(p, 'people-profile');
    // The profile is in the URL: a reload shows it again.
    await p.reload();
    await p.getByTestId('profile-timeline').waitFor(SLOW);
    expect(await p.getByTestId('timeline-event').count()).toBe(steps.length);
    await assertNothingRan(owner);
  });

  it('scores the person by the rules saved in settings', async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}/settings`);
    const form = p.getByRole('form', { name: 'Lead scoring' });
    await form.getByLabel('Recency points').waitFor(SLOW);
    // Only rules this visit decides for sure: identified 50, the pricing page 30 → 80.
    for (const label of ['Recency points', 'Points per session', 'Points per page view', 'Points per goal completed'])
      await form.getByLabel(label).fill('0');
    await form.getByLabel('Points per engaged minute').fill('0');
    await form.getByLabel('Returning visitor').fill('0');
    await form.getByLabel('Identified user').fill('50');
    await form.getByLabel('Key pages').fill('pricing /pricing* 30');
    await form.getByRole('button', { name: 'Save scoring rules' }).click();
    await form.getByRole('status').waitFor(SLOW);
    await p.goto(`${h.url}/sites/${siteId}/people?sort=score`);
    await p.getByTestId('profile-list').waitFor(SLOW);
    expect(await p.getByLabel('Order').inputValue()).toBe('score');
    expect(await p.getByTestId('profile-list').getByTestId('profile-score').first().textContent()).toBe('80');
    await p.getByTestId('profile-list').getByRole('link', { name: 'user-42' }).click();
    await p.getByTestId('score-reasons').waitFor(SLOW);
    expect(await p.getByRole('region', { name: 'Lead score' }).getByTestId('profile-score').textContent()).toBe('80');
    expect(await p.getByTestId('score-reasons').locator('li').allTextContents()).toEqual(['Identified: +50', 'Viewed pricing pages: +30']);
    await assertNothingRan(owner);
  });
});
