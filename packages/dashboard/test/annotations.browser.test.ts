import fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import {
  assertNothingRan,
  browserUnavailable,
  openWatched,
  registerThroughApi,
  screenshot,
  signIn,
  startHarness,
  type Harness,
} from './harness';

/**
 * Annotations and exports in a real Chromium: the owner adds an annotation under the chart, its marker
 * appears on the day it names and hovering it shows the note; the Pages card's Export downloads a CSV
 * whose numbers match the events written (counted here), and the chart's JSON export carries the note.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };
const OWNER = { email: 'annotator@example.com', password: 'correct horse battery' };
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = dayOf(Date.now());
const day = (n: number) => dayOf(Date.parse(`${TODAY}T00:00:00Z`) - n * 86_400_000);
const PATHS = ['/', '/pricing', '/docs', '/blog'];

function events(siteId: string): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < 30; i++) {
    const ts = Date.parse(`${day(1 + (i % 3))}T08:00:00Z`) + i * 60_000;
    for (let k = 0; k <= i % 2; k++) {
      const e = emptyEvent({
        event_id: `40000000-0000-4000-8000-${String(i * 10 + k).padStart(12, '0')}`,
        site_id: siteId,
        ts: ts + k * 1000,
        received_at: ts,
        name: 'page_view',
      });
      e.visitor_id = `v${i}`;
      e.session_id = `v${i}-s`;
      e.path = PATHS[(i + k) % PATHS.length]!;
      e.host = 'annotated.example';
      out.push(e);
    }
  }
  return out;
}

describe.skipIf(!!unavailable)('annotations and exports in the dashboard', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    expect(await registerThroughApi(h.url, { ...OWNER, org_name: 'Annotators' })).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('adds an annotation, shows it as a marker with hover text, and exports cards', async () => {
    const w = await openWatched(h.browser);
    const { page } = w;
    await page.goto(`${h.url}/login`);
    await signIn(page, OWNER.email, OWNER.password);
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor(SLOW);
    // The site through the API with the page's session (as the add-site form would).
    const created = await page.request.post(`${h.url}/api/sites`, {
      data: { domain: 'annotated.example', timezone: 'UTC' },
      headers: { origin: h.url },
    });
    expect(created.status()).toBe(201);
    const site = (await created.json()) as { id: string };
    const written = events(site.id);
    await h.server.ctx.events.write({ events: written, raw: [], quarantine: [], drops: [] });

    await page.goto(`${h.url}/sites/${site.id}?period=custom&from=${day(6)}&to=${day(0)}&compare=0`);
    const card = page.getByTestId('card-annotations');
    await card.getByRole('button', { name: 'Add annotation' }).click();
    const form = page.getByRole('form', { name: 'New annotation' });
    await form.getByLabel('Date').fill(day(2));
    await form.getByLabel('Title').fill('Launched <b>pricing</b>');
    await form.getByLabel('Category').selectOption('campaign');
    await form.getByLabel('Description').fill('Spring sale');
    await form.getByRole('button', { name: 'Save annotation' }).click();
    await expect
      .poll(() => card.getByTestId('annotation-item').allTextContents(), SLOW)
      .toEqual([expect.stringContaining('Launched <b>pricing</b>')]);

    // One marker, at the 5th of 7 days (day(2) counted from day(6)); hovering it names the note.
    const marker = page.getByTestId('chart-marker');
    await expect.poll(() => marker.count(), SLOW).toBe(1);
    // At x of the 5th of 7 buckets: 4/6 of the plot's width from its left edge (48 px in).
    const svgWidth = Number(await page.locator('.chart-card svg').getAttribute('width'));
    const x = Number(await marker.locator('line').getAttribute('x1'));
    expect(x).toBeCloseTo(48 + ((svgWidth - 48 - 12) * 4) / 6, 0);
    await marker.locator('circle').hover();
    const note = page.getByTestId('chart-note');
    await expect.poll(() => note.textContent(), SLOW).toContain('Launched <b>pricing</b>');
    expect(await note.textContent()).toContain('Spring sale');
    const tooltipDay = await page.locator('.chart-tooltip strong').textContent();
    expect(tooltipDay).toBe(new Date(`${day(2)}T00:00:00`).toLocaleDateString('en-US', { month: 'short', day: 'numeric' }));
    await screenshot(page, 'annotations-marker-hover');

    // Export of the Pages card: a CSV with visitors per page as counted from the events.
    const pages = page.getByTestId('card-pages');
    await pages.getByText('Export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), pages.getByRole('link', { name: 'CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^stats-.*\.csv$/);
    const rows = parseCsv(fs.readFileSync((await download.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const want = new Map<string, Set<string>>();
    for (const e of written) want.set(e.path, (want.get(e.path) ?? new Set()).add(e.visitor_id));
    expect(new Map(rows.map((r) => [r.path, Number(r.visitors)]))).toEqual(new Map([...want].map(([p, s]) => [p, s.size])));

    // The chart's JSON export: the timeseries and the annotation.
    const chart = page.locator('.chart-card');
    await chart.getByText('Export').click();
    const [json] = await Promise.all([page.waitForEvent('download'), chart.getByRole('link', { name: 'JSON' }).click()]);
    const body = JSON.parse(fs.readFileSync((await json.path())!, 'utf8'));
    expect(body.annotations.map((a: { title: string; bucket: string }) => [a.title, a.bucket])).toEqual([
      ['Launched <b>pricing</b>', day(2)],
    ]);
    expect(body.timeseries.map((r: { date: string }) => r.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map(day));

    // Deleting it removes the marker.
    await card.getByRole('button', { name: 'Delete annotation Launched <b>pricing</b>' }).click();
    await expect.poll(() => marker.count(), SLOW).toBe(0);
    await assertNothingRan(w);
  }, 120_000);
});
