import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, openWatched, ownerWithSite, screenshot, startSiteHarness, type SiteHarness, type Watched } from './harness';

/**
 * The owner creates an experiment on the Experiments page (judged on a goal), starts it; a visitor's real
 * Chromium is shown a variant by `tidemark.experiment` and buys; the results table shows the exposure and
 * the conversion in that variant; declaring a winner stops the experiment. The open experiment is in the URL.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

function page(snippet: string): string {
  // The experiments script replaces the snippet's t.js (it adds t.js itself), and must run before the inline code.
  const experimentTag = snippet.replace('<script defer ', '<script ').replace('/t.js"', '/t.experiment.js"');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${experimentTag}</head>
<body><h1 id="hero">Shop</h1><button id="buy" type="button">Buy</button>
<script>
window.tidemark.experiment('cta').then(function (v) { document.body.dataset.variant = String(v); });
document.getElementById('buy').addEventListener('click', function () { window.tidemark.track('purchase'); });
</script></body></html>`;
}

describe.skipIf(!!unavailable)('experiments in the dashboard', () => {
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

  it('creates, starts, shows results and declares a winner', async () => {
    const p = owner.page;
    siteId = await ownerWithSite(h, 'Shop', page);
    const goal = await p.evaluate(async (id) => {
      const r = await fetch(`/api/sites/${id}/goals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Purchase', type: 'event', match: { event_name: 'purchase' } }),
      });
      return r.status;
    }, siteId);
    expect(goal).toBe(201);

    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Experiments' }).click();
    const form = p.getByRole('form', { name: 'New experiment' });
    await form.getByLabel('Key').fill('cta');
    await form.getByLabel('Name').fill('Call to action');
    await form.getByLabel('Judged on').selectOption({ label: 'Goal: Purchase' });
    await form.getByRole('button', { name: 'Create draft' }).click();
    const row = p.getByTestId('experiment-cta');
    await row.waitFor(SLOW);
    expect(await row.textContent()).toContain('draft');
    expect(p.url()).toMatch(/\/experiments\?e=/);
    await row.getByRole('button', { name: 'Start' }).click();
    await row.getByRole('button', { name: 'Stop' }).waitFor(SLOW);

    // A visitor is shown a variant and buys.
    const visitor = await openWatched(h.browser);
    const v = visitor.page;
    const sent = (name: string) =>
      v.waitForResponse(
        (r) => r.url().endsWith('/api/collect') && r.status() === 202 && !!r.request().postData()?.includes(`"${name}"`),
        SLOW,
      );
    const exposed = sent('$exposure');
    await v.goto(`${h.fixture.origin}/`);
    await v.waitForFunction(() => document.body.dataset.variant, undefined, SLOW);
    const variant = await v.evaluate(() => document.body.dataset.variant!);
    expect(['control', 'treatment']).toContain(variant);
    await exposed;
    const bought = sent('purchase');
    await v.click('#buy');
    await bought;
    await visitor.context.close();

    const table = p.getByRole('table', { name: 'Results per variant' });
    const exposedRow = () => table.getByRole('row', { name: new RegExp(`^${variant}`) });
    await expect
      .poll(async () => {
        await p.reload();
        await table.waitFor(SLOW);
        return (await exposedRow().locator('td').allTextContents()).slice(1, 4);
      }, SLOW)
      .toEqual(['1', '1', '1']);
    await screenshot(p, 'experiments-results');

    await p.getByRole('button', { name: `Declare ${variant} the winner` }).click();
    await expect.poll(async () => row.textContent(), SLOW).toContain(`winner: ${variant}`);
    expect(await row.textContent()).toContain('stopped');
  });
});
