import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLifetimeWorld } from '@tidemark/testkit';
import { browserUnavailable, fixturePage, ownerWithSite, screenshot, startSiteHarness, type SiteHarness } from './harness';

/**
 * The owner of a site with returning, signed-in customers opens People → Churn & lifetime value in real
 * Chromium, trains the model, reads its held-out quality, pages the people at risk (the page in the URL),
 * and follows one to their profile, which shows the churn risk and the probability of coming back.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 30_000 };
const DAY = 86_400_000;

describe.skipIf(!!unavailable)('churn and lifetime value in the browser', () => {
  let h: SiteHarness;
  let siteId = '';

  beforeAll(async () => {
    h = await startSiteHarness();
    siteId = await ownerWithSite(h, 'Club', fixturePage);
    const world = generateLifetimeWorld({ seed: 'browser', siteId, nowMs: Math.floor(Date.now() / DAY) * DAY, people: 150 });
    await h.server.ctx.events.write({ events: world.events, raw: [], quarantine: [], drops: [] });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('trains the model, shows its quality and the people at risk, and links to their profiles', async () => {
    const p = h.owner.page;
    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Churn & lifetime value' }).click();
    const model = p.getByTestId('churn-model');
    await model.waitFor(SLOW);
    expect(await model.textContent()).toContain('Not trained yet');
    await p.getByRole('button', { name: 'Train now' }).click();
    await expect.poll(async () => model.textContent(), SLOW).toContain('Ready');
    const text = (await model.textContent()) ?? '';
    expect(text).toContain('Active days');
    expect(text).toMatch(/AUC \(returns in the next 30 days\)0\.\d{3}/);
    const table = p.getByRole('table', { name: 'People at risk' });
    await table.waitFor(SLOW);
    const heading = (await p.getByRole('heading', { name: /People at risk/ }).textContent()) ?? '';
    const total = Number(/\((\d+)\)/.exec(heading)?.[1]);
    expect(total).toBeGreaterThan(0);
    await screenshot(p, 'churn-page');
    const person = table.getByRole('link').first();
    if (total > 20) {
      const firstOnPageOne = await person.textContent();
      await p.getByRole('navigation', { name: 'At-risk pages' }).getByRole('button', { name: 'Next' }).click();
      await expect.poll(() => new URL(p.url()).search, SLOW).toBe('?p=1');
      await expect.poll(() => person.textContent(), SLOW).not.toBe(firstOnPageOne);
      await p.goBack();
      // Going back shows the second page's rows until the first page's answer arrives.
      await expect.poll(() => person.textContent(), SLOW).toBe(firstOnPageOne);
    }
    const name = (await person.textContent()) ?? '';
    await person.click();
    await p.getByTestId('profile-facts').waitFor(SLOW);
    expect(new URL(p.url()).pathname).toBe(`/sites/${siteId}/people/${encodeURIComponent(`u${name}`)}`);
    const facts = (await p.getByTestId('profile-facts').textContent()) ?? '';
    expect(facts).toContain('Churn riskAt risk');
    expect(facts).toMatch(/Active in the next 30 days\d+(\.\d)?%/);
    await screenshot(p, 'churn-profile');
  });
});
