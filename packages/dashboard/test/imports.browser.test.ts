import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, expectedTotals, generatePlausibleExport } from '../../server/test/helpers/plausible-export';
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
 * Imports in a real Chromium: an owner uploads a Plausible export in the site's settings, watches it
 * reach "Done", and the overview over the imported days says it includes imported data; the toggle
 * leaves it out (and the numbers with it), and back.
 */
const unavailable = browserUnavailable();

const SLOW = { timeout: 20_000 };
const FIRST = '2024-03-04';
const OWNER = { email: 'importer@example.com', password: 'correct horse battery' };

describe.skipIf(!!unavailable)('imports in the dashboard', () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    h = await startHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-import-file-'));
    expect(await registerThroughApi(h.url, { ...OWNER, org_name: 'Importers' })).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a Plausible export in settings, shows progress to done, and marks the overview', async () => {
    const exp = generatePlausibleExport('browser', FIRST, 7);
    const file = path.join(dir, 'plausible-export.zip');
    fs.writeFileSync(file, exp.zip);
    const w = await openWatched(h.browser);
    const { page } = w;
    await page.goto(`${h.url}/login`);
    await signIn(page, OWNER.email, OWNER.password);
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor(SLOW);
    const site = await page.evaluate(async () => {
      const res = await fetch('/api/sites', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain: 'imported.example' }),
      });
      return (await res.json()) as { id: string };
    });

    await page.goto(`${h.url}/sites/${site.id}/settings`);
    await page.getByRole('heading', { name: 'Imports' }).waitFor(SLOW);
    await page.getByLabel('Source', { exact: true }).selectOption('plausible');
    await page.getByLabel('File').setInputFiles(file);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'plausible-export.zip' });
    await row.getByRole('status').filter({ hasText: 'Done' }).waitFor(SLOW);
    await expect.poll(() => row.textContent()).toContain(`${FIRST} – ${addDays(FIRST, 6)}`);
    await screenshot(page, 'imports-settings-done');

    const total = expectedTotals(exp, new Set(exp.days)).visitors;
    await page.goto(`${h.url}/sites/${site.id}?period=custom&from=${FIRST}&to=${addDays(FIRST, 6)}&compare=0`);
    const marker = page.getByRole('note').filter({ hasText: 'Includes imported data' });
    await marker.waitFor(SLOW);
    expect(await marker.textContent()).toContain('7 days');
    const visitors = page.getByTestId('kpi-visitors').locator('.kpi-value');
    await expect.poll(() => visitors.textContent(), SLOW).toBe(total.toLocaleString('en-US'));
    await screenshot(page, 'imports-overview-marker');

    await page.getByRole('button', { name: 'Exclude imported data' }).click();
    await page.getByRole('note').filter({ hasText: 'Imported data is left out' }).waitFor(SLOW);
    expect(new URL(page.url()).searchParams.get('imported')).toBe('0');
    await expect.poll(() => visitors.textContent(), SLOW).toBe('0');
    await page.getByRole('button', { name: 'Include imported data' }).click();
    await expect.poll(() => visitors.textContent(), SLOW).toBe(total.toLocaleString('en-US'));

    // Deleting it in settings removes it from the list.
    await page.goto(`${h.url}/sites/${site.id}/settings`);
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count(), SLOW).toBe(0);
    await assertNothingRan(w);
  }, 120_000);
});
