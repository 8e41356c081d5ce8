import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectAccepted,
  ownerWithSite,
  walkLinks,
  assertNothingRan,
  browserUnavailable,
  openWatched,
  screenshot,
  startSiteHarness,
  type SiteHarness,
  type Watched,
} from './harness';

/**
 * A visitor's real Chromium walks / → /pricing → /signup on a tracked site and completes the sign-up
 * (`tidemark.goal('signup_completed')`); the owner builds the funnel with the step builder and sees the
 * visitor at its last step, then a breakdown and the view in the URL; a viewer can read but not edit.
 */
const unavailable = browserUnavailable();

const SLOW = { timeout: 20_000 };

/** The tracked site: every path serves this page; /signup has the form whose button completes the sign-up. */
function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><a id="pricing" href="/pricing">Pricing</a> <a id="signup" href="/signup">Sign up</a>
<button id="done" type="button">Create account</button>
<script>
document.getElementById('done').addEventListener('click', function () {
  window.tidemark.goal('signup_completed', { plan: 'pro' });
  document.title = 'done';
});
</script></body></html>`;
}

describe.skipIf(!!unavailable)('funnels in the browser', () => {
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

  it('records a visitor walking home → pricing → sign-up and signing up', async () => {
    const p = owner.page;
    siteId = await ownerWithSite(h, 'Shop', page);
    const visitor = await walkLinks(h, ['pricing', 'signup']);
    const v = visitor.page;
    const collected = collectAccepted(v);
    await v.click('#done');
    await collected;
    await visitor.context.close();
    // The three page views and the sign-up event are stored (asked through the API the dashboard uses).
    const counts = () =>
      p.evaluate(async (id) => {
        const r = await fetch(`/api/sites/${id}/stats?period=today&metrics=pageviews,events&compare=false`);
        const body = await r.json();
        return `${body.metrics?.pageviews?.value}/${body.metrics?.events?.value}`;
      }, siteId);
    await expect.poll(counts, SLOW).toMatch(/^3\/[4-9]/);
  });

  it('builds the funnel with the step builder and shows the visitor at the last step', async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Funnels' }).click();
    await p.getByRole('heading', { name: 'No funnels yet' }).waitFor();
    await p.getByRole('button', { name: 'New funnel' }).click();
    await p.getByLabel('Funnel name').fill('Sign-up');
    await p.getByRole('button', { name: 'Add step' }).click();
    await p.getByRole('button', { name: 'Add step' }).click();
    const steps: Array<[string, string, string]> = [
      ['Home', 'pageview', '/'],
      ['Pricing', 'pageview', '/pricing*'],
      ['Sign-up form', 'pageview', '/signup'],
      ['Signed up', 'event', 'signup_completed'],
    ];
    for (const [i, [name, type, match]] of steps.entries()) {
      const row = p.getByTestId(`builder-step-${i + 1}`);
      await row.getByLabel(`Step ${i + 1} name`).fill(name);
      await row.getByLabel('Type').selectOption(type);
      await row.getByLabel(type === 'event' ? `Step ${i + 1} event` : `Step ${i + 1} path`).fill(match);
    }
    await p.getByTestId('builder-step-4').getByLabel('Step 4 properties').fill('plan=pro');
    await p.getByRole('button', { name: 'Save funnel' }).click();

    await expect.poll(() => p.getByTestId('funnel-visitors-4').textContent(), SLOW).toBe('1');
    for (const k of [1, 2, 3]) expect(await p.getByTestId(`funnel-visitors-${k}`).textContent()).toBe('1');
    expect(await p.getByTestId('funnel-conversion').textContent()).toContain('100% converted');
    expect(await p.getByTestId('funnel-between-2').textContent()).toContain('median');
    expect(new URL(p.url()).searchParams.get('funnel')).toBeTruthy();
    await screenshot(p, 'funnel-signup');

    // A breakdown goes into the URL and survives a reload.
    await p.getByLabel('Breakdown').selectOption('device');
    await p.getByTestId('funnel-breakdown').waitFor();
    expect(new URL(p.url()).searchParams.get('breakdown')).toBe('device');
    await p.reload();
    await p.getByTestId('funnel-breakdown').waitFor(SLOW);
    expect(await p.getByTestId('funnel-breakdown').locator('tbody tr').count()).toBe(1);
    await assertNothingRan(owner);
  });

  it('lets a viewer read the funnel but not edit it', async () => {
    const p = owner.page;
    const me = await p.evaluate(async () => (await fetch('/api/auth/me')).json());
    const orgId = me.current_org.id as string;
    const inv = await p.evaluate(
      async (org) =>
        (
          await fetch(`/api/orgs/${org}/invitations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'viewer@example.com', role: 'viewer' }),
          })
        ).json(),
      orgId,
    );
    const viewer = await openWatched(h.browser);
    await viewer.page.goto(`${h.url}/login`);
    const registered = await viewer.page.evaluate(
      async (token) =>
        (
          await fetch('/api/auth/register', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'viewer@example.com', password: 'viewer password 1', invitation: token }),
          })
        ).status,
      inv.token as string,
    );
    expect(registered).toBe(201);
    await viewer.page.goto(`${h.url}/sites/${siteId}/funnels`);
    await expect.poll(() => viewer.page.getByTestId('funnel-visitors-4').textContent(), SLOW).toBe('1');
    expect(await viewer.page.getByRole('button', { name: 'New funnel' }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: 'Edit funnel' }).count()).toBe(0);
    await viewer.context.close();
  });
});
