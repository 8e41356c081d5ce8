import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSegmentPeople } from '@tidemark/testkit';
import { browserUnavailable, ownerWithSite, screenshot, startSiteHarness, type SiteHarness, type Watched } from './harness';

/**
 * The owner of a site with people of ten kinds of behaviour opens Segments (under People), trains the
 * model, reads the segments (size, conversion, what sets them apart), follows one segment to the People
 * page filtered by it (in the URL), narrows the list by lead score, and sees the segment on a profile.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

describe.skipIf(!!unavailable)('segments in the browser', () => {
  let h: SiteHarness;
  let owner: Watched;
  let siteId = '';

  beforeAll(async () => {
    h = await startSiteHarness();
    ({ owner } = h);
    siteId = await ownerWithSite(h, 'Shop', () => '<!doctype html><title>Shop</title><h1>Shop</h1>');
    const { events } = generateSegmentPeople({ siteId, now: Date.now(), perArchetype: 6 });
    await h.server.ctx.events.write({ events, raw: [], quarantine: [], drops: [] });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('trains the segments and lists them with their size, conversion and features', async () => {
    const p = owner.page;
    await p.goto(`${h.url}/sites/${siteId}/people`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Segments' }).click();
    const status = p.getByTestId('segments-status');
    await expect.poll(() => status.textContent(), SLOW).toBe('Not trained yet.');
    await p.getByRole('button', { name: 'Train now' }).click();
    await expect.poll(() => status.textContent(), SLOW).toMatch(/^\d+ segments of 60 people, silhouette/);
    const k = Number((await status.textContent())!.split(' ')[0]);
    expect(k).toBeGreaterThanOrEqual(8);
    expect(k).toBeLessThanOrEqual(12);
    const rows = p.getByTestId('segments-table').locator('tbody tr');
    expect(await rows.count()).toBe(k);
    const api = await p.evaluate(async (id) => (await fetch(`/api/sites/${id}/segments`)).json(), siteId);
    expect(await p.getByTestId('segment-name').allTextContents()).toEqual(api.segments.map((s: { name: string }) => s.name));
    const first = await rows.first().locator('td').allTextContents();
    expect(first[1]).toBe(String(api.segments[0].people));
    // The stats engine's segment dimension, named from the model, once the people are labelled (right after training).
    const names = new Set(api.segments.map((s: { name: string }) => s.name));
    const traffic = p.getByTestId('segment-traffic');
    await expect
      .poll(async () => {
        await traffic.waitFor(SLOW);
        const shown = await traffic.locator('tbody tr td:first-child').allTextContents();
        if (shown.every((n) => names.has(n))) return true;
        await p.reload();
        return false;
      }, SLOW)
      .toBe(true);
    const people = (await traffic.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
    expect(people.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(people.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60);
    await screenshot(p, 'segments');
  });

  it('follows a segment to its people, narrows by lead score, and shows the segment on a profile', async () => {
    const p = owner.page;
    const name = (await p.getByTestId('segment-name').first().textContent())!;
    await p.getByRole('link', { name: `People in ${name}` }).click();
    await p.waitForURL(/\/people\?segment=s\d+/);
    const list = p.getByTestId('profile-list');
    // The labels are written right after the training; look again until they are in.
    await expect
      .poll(async () => {
        if (await list.isVisible()) return true;
        await p.reload();
        return false;
      }, SLOW)
      .toBe(true);
    const segments = await p.getByTestId('profile-segment').allTextContents();
    expect(segments.length).toBeGreaterThan(0);
    expect(new Set(segments)).toEqual(new Set([name]));
    expect(await p.getByLabel('Segment').inputValue()).toMatch(/^s\d+$/);

    // Lead score bucket: the list's total equals the API's for the same filters.
    await p.getByLabel('Lead score').selectOption('20-39');
    await p.getByRole('button', { name: 'Search' }).click();
    await p.waitForURL(/score=20-39/);
    const segmentId = new URL(p.url()).searchParams.get('segment')!;
    const expected = await p.evaluate(
      async ([id, seg]) => {
        const filters = JSON.stringify({ segment: seg, score: '20-39' });
        const r = await fetch(`/api/sites/${id}/profiles?filters=${encodeURIComponent(filters)}&limit=1`);
        return (await r.json()).total as number;
      },
      [siteId, segmentId] as const,
    );
    if (expected > 0)
      await expect
        .poll(async () => (await p.getByTestId('people-total').textContent())?.split(' ')[0], SLOW)
        .toBe(expected.toLocaleString('en-US'));
    else await p.getByText('No people match.').waitFor(SLOW);

    await p.getByLabel('Lead score').selectOption('');
    await p.getByRole('button', { name: 'Search' }).click();
    await list.waitFor(SLOW);
    await list.getByRole('link').first().click();
    await p.getByTestId('profile-facts').waitFor(SLOW);
    expect(await p.getByTestId('profile-facts').textContent()).toContain(`Segment${name}`);
    await screenshot(p, 'segments-profile');
  });
});
