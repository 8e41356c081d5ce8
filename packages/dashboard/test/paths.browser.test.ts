import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
 * A visitor's real Chromium walks / → /pricing → /signup on a tracked site; the owner opens Paths and
 * sees that path in the Sankey, anchors it at the end (/signup), picks /pricing to list what came
 * before and after it, and the view survives a reload (it is all in the URL).
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><a id="pricing" href="/pricing">Pricing</a> <a id="signup" href="/signup">Sign up</a></body></html>`;
}

describe.skipIf(!!unavailable)('paths in the browser', () => {
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

  it('records a visitor walking home → pricing → sign-up', async () => {
    const p = owner.page;
    siteId = await ownerWithSite(h, 'Shop', page);
    const visitor = await walkLinks(h, ['pricing', 'signup']);
    await visitor.context.close();
    const pageviews = () =>
      p.evaluate(async (id) => {
        const r = await fetch(`/api/sites/${id}/stats?period=today&metrics=pageviews&compare=false`);
        return (await r.json()).metrics?.pageviews?.value;
      }, siteId);
    await expect.poll(pageviews, SLOW).toBe(3);
  });

  it("shows the path as a Sankey, anchored at the start or the end, and a page's neighbours", async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Paths' }).click();
    await p.getByTestId('paths-sankey').waitFor(SLOW);
    const nodes = () =>
      p
        .getByTestId('sankey-node')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-name')}`).sort());
    await expect.poll(nodes, SLOW).toEqual(['1:/', '2:/pricing', '3:/signup']);
    expect(await p.getByTestId('paths-visitors').textContent()).toContain('1 visitors');
    await screenshot(p, 'paths-entry');

    // Paths ending at /signup: step 1 is /signup, then the pages before it.
    await p.getByLabel('Direction').selectOption('end');
    await p.getByLabel('Page path').fill('/signup');
    await p.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('to'), SLOW).toBe('/signup');
    await expect.poll(nodes, SLOW).toEqual(['1:/signup', '2:/pricing', '3:/']);

    // Choosing /pricing lists where its visitors came from and went next.
    await p.getByRole('button', { name: 'Where visitors of /pricing came from and went next' }).click();
    await p.getByRole('heading', { name: 'Around /pricing' }).waitFor(SLOW);
    expect(new URL(p.url()).searchParams.get('page')).toBe('/pricing');
    const rows = (id: string) => p.getByTestId(id).locator('tbody tr').allTextContents();
    await expect.poll(() => rows('neighbours-previous'), SLOW).toEqual(['/1100%']);
    expect(await rows('neighbours-next')).toEqual(['/signup1100%']);

    await p.reload();
    await p.getByRole('heading', { name: 'Around /pricing' }).waitFor(SLOW);
    await expect.poll(nodes, SLOW).toEqual(['1:/signup', '2:/pricing', '3:/']);
    await assertNothingRan(owner);
  });
});
