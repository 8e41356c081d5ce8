import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addFirstSite,
  assertNothingRan,
  browserUnavailable,
  openWatched,
  screenshot,
  setUpOwner,
  startSiteHarness,
  type FixtureSite,
  type SiteHarness,
  type Watched,
} from './harness';

/**
 * A visitor's real Chromium views two pages anonymously, then signs in mid-session
 * (`tidemark.identify` with a trait). The owner finds the person on the People page by the user id,
 * and the profile shows the trait and, in its timeline, the page views from before the sign-in; the
 * search and the profile are in the URL. The owner then sets lead-scoring rules in the site's settings
 * and sees the person's score in the People list and, with its reasons, on the profile.
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
    await setUpOwner(p, h.url);
    const site = await addFirstSite(p, fixture.origin, 'Shop');
    siteId = site.siteId;
    fixture.setHtml(page(site.snippet));
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
    await p.getByLabel('Search', { exact: true }).fill('USER-42');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('q'), SLOW).toBe('USER-42');
    await expect.poll(() => p.getByTestId('people-total').textContent(), SLOW).toMatch(/^1 person/);
    await p.getByTestId('profile-list').getByRole('link', { name: 'user-42' }).click();
    await p.getByTestId('profile-timeline').waitFor(SLOW);
    expect(new URL(p.url()).pathname).toBe(`/sites/${siteId}/people/uuser-42`);
    expect(await p.getByTestId('profile-name').textContent()).toBe('user-42');
    const traits = p.getByRole('region', { name: 'Traits' });
    expect(await traits.locator('tbody tr').first().locator('td').allTextContents()).toEqual(expect.arrayContaining(['plan', 'pro']));
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
