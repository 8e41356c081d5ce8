import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  assertNothingRan,
  browserUnavailable,
  HOSTILE,
  OWNER,
  openWatched,
  screenshot,
  setUpOwner,
  startHarness,
  type Harness,
  type Watched,
} from './harness';

/**
 * The audit log screen in Chromium: the owner's actions (set-up, a site, a key with a hostile name, a
 * failed sign-in) are listed newest first; the area filter goes into the URL and survives a reload; the
 * export link carries the same filters and its CSV has the rows the table shows; names render as text.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

describe.skipIf(!!unavailable)('audit log in the browser', () => {
  let h: Harness;
  let owner: Watched;

  beforeAll(async () => {
    h = await startHarness();
    owner = await openWatched(h.browser);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists actions, filters through the URL and exports what it shows', async () => {
    const { page: p } = owner;
    await setUpOwner(p, h.url);
    await p.getByRole('link', { name: 'Add your first site' }).waitFor(SLOW);
    // Actions through the API from the signed-in page (same origin, same session) and a wrong password from elsewhere.
    const status = await p.evaluate(async (name) => {
      const post = (url: string, body: unknown) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      return [
        await post('/api/sites', { name: 'Shop', domain: 'shop.example.com' }),
        await post('/api/keys', { name, permissions: ['read'] }),
      ];
    }, HOSTILE.prop);
    expect(status).toEqual([201, 201]);
    const failed = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: h.url },
      body: JSON.stringify({ email: OWNER.email, password: 'not the password' }),
    });
    expect(failed.status).toBe(401);

    await p.getByRole('link', { name: 'Audit log' }).click();
    await p.getByRole('heading', { name: 'Audit log' }).waitFor();
    const table = p.getByRole('table', { name: 'Audit log entries' });
    const actions = () => table.locator('tbody tr td:nth-child(2)').allTextContents();
    await expect.poll(actions, SLOW).toEqual(['auth.login_failed', 'api_key.created', 'site.created', 'org.created']);
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toContain('Failed');
    // The hostile key name is shown as text.
    await expect.poll(() => table.locator('tbody tr').nth(1).textContent()).toContain(HOSTILE.prop);
    await screenshot(p, 'audit-01-all');

    await p.getByLabel('Action').selectOption('auth');
    await p.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(p.url()).searchParams.get('action'), SLOW).toBe('auth');
    await expect.poll(actions, SLOW).toEqual(['auth.login_failed']);
    await p.reload();
    await expect.poll(actions, SLOW).toEqual(['auth.login_failed']);
    await expect.poll(() => p.getByLabel('Action').inputValue()).toBe('auth');

    const href = await p.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toMatch(/action=auth/);
    const csv = await p.request.get(new URL(href!, h.url).toString());
    expect(csv.status()).toBe(200);
    const rows = parse(await csv.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.action)).toEqual(await actions());
    expect(rows[0]!.actor_label).toBe(OWNER.email);

    // The export was recorded: clearing the filter shows it on top.
    await p.goto(`${h.url}/audit`);
    await expect.poll(async () => (await actions())[0], SLOW).toBe('export.created');
    await screenshot(p, 'audit-02-export-recorded');
    await assertNothingRan(owner);
  });
});
