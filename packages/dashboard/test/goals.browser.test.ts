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
 * Goals end to end in a real Chromium: a visitor walks / → /pricing → /signup on a page carrying the
 * tracker and fires `tidemark.goal('signup_completed')`; the owner defines the goal in the site's
 * settings (the live preview already counts the visit), the overview's Goals card shows the
 * conversion, and clicking the goal filters the whole dashboard to it through the URL.
 */
const unavailable = browserUnavailable();

const SLOW = { timeout: 20_000 };

/** The tracked site's page: the snippet, and on /signup the goal the tracker sends once loaded. */
function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><script>
if (location.pathname === '/signup') {
  var fire = function () {
    if (window.tidemark && window.tidemark.goal) { window.tidemark.goal('signup_completed', { plan: 'pro' }); document.body.dataset.goal = 'sent'; }
    else setTimeout(fire, 50);
  };
  fire();
}
</script></body></html>`;
}

describe.skipIf(!!unavailable)('goals in the browser', () => {
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

  it('a visitor walks to /signup and converts; the goal defined afterwards counts it', async () => {
    const { page: p } = owner;
    siteId = await ownerWithSite(h, 'Shop', page);

    // The visitor: three page loads, the goal on the last.
    const visitor = await openWatched(h.browser);
    // Each page stays until the tracker's batch has been accepted (a person reads a page for a moment).
    const accepted = (name: string) =>
      visitor.page.waitForResponse(
        (r) => r.url().endsWith('/api/collect') && r.status() === 202 && (r.request().postData() ?? '').includes(`"name":"${name}"`),
        SLOW,
      );
    for (const path of ['/', '/pricing', '/signup']) {
      const sent = accepted(path === '/signup' ? 'signup_completed' : 'page_view');
      await visitor.page.goto(`${fixture.origin}${path}`);
      await sent;
    }
    expect(await visitor.page.evaluate(() => document.body.dataset.goal)).toBe('sent');
    await visitor.context.close();
    await expect.poll(() => p.getByTestId('first-event-status').textContent(), SLOW).toContain('Receiving data');

    // Settings: the goal, with the live preview counting the visit before it is saved.
    const previews: string[] = [];
    p.on('request', (r) => {
      if (r.url().includes('/goals/preview')) previews.push(r.postData() ?? '');
    });
    await p.goto(`${h.url}/sites/${siteId}/settings`);
    await p.getByRole('heading', { name: 'Goals' }).waitFor();
    const form = p.getByRole('form', { name: 'New goal' });
    // An empty goal is not previewed (nor sent to be checked): the form says what it needs first.
    await expect.poll(() => form.getByTestId('goal-preview').textContent(), SLOW).toContain('Fill in the page');
    await p.waitForTimeout(1000); // past the preview's 350 ms pause after the last change
    expect(previews).toEqual([]);
    await form.getByLabel('Goal name').fill('Signed up');
    await form.getByLabel('Type').selectOption('event');
    await form.getByLabel('Event name').fill('signup_completed');
    await expect
      .poll(() => form.getByTestId('goal-preview').textContent(), SLOW)
      .toContain('Would have matched 1 conversions (1 visitors)');
    // A pattern RE2 refuses is explained by the preview, not saved.
    await form.getByLabel('Type').selectOption('destination');
    await form.getByLabel('Match').selectOption('path_regex');
    await form.getByLabel('Path pattern').fill('^/(?=sign)');
    await expect.poll(() => form.getByTestId('goal-preview').textContent(), SLOW).toMatch(/^Preview: /);
    await form.getByLabel('Path pattern').fill('^/pric');
    await expect.poll(() => form.getByTestId('goal-preview').textContent(), SLOW).toContain('Would have matched 1 conversions');
    await form.getByLabel('Type').selectOption('event');
    await form.getByRole('button', { name: 'Add goal' }).click();
    await expect.poll(() => p.getByTestId('goal-item').allTextContents(), SLOW).toEqual([expect.stringContaining('Signed up')]);
    await screenshot(p, 'goals-01-settings');

    // The overview's Goals card, and the dashboard filtered to the goal by clicking it.
    await p.goto(`${h.url}/sites/${siteId}`);
    const card = p.getByTestId('card-goals');
    await expect.poll(() => card.getByTestId('goal-conversions').allTextContents(), SLOW).toEqual(['1']);
    await expect.poll(() => card.getByRole('row').nth(1).textContent(), SLOW).toContain('100%');
    await card.getByRole('button', { name: 'Signed up' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('f'), SLOW).toMatch(/^goal:/);
    await expect.poll(() => p.getByTestId('filter-chip').textContent(), SLOW).toContain('Signed up');
    await expect.poll(() => p.getByTestId('kpi-visitors').locator('.kpi-value').textContent(), SLOW).toBe('1');
    await expect.poll(() => p.getByTestId('kpi-pageviews').locator('.kpi-value').textContent(), SLOW).toBe('3');
    await screenshot(p, 'goals-02-overview-filtered');
    await assertNothingRan(owner);
  });
});
