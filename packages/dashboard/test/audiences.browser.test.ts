import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, collectAccepted, openWatched, ownerWithSite, screenshot, startSiteHarness, type SiteHarness } from './harness';

/**
 * Two visitors' real Chromium visit the shop; one signs in as a pro user. The owner opens Audiences under
 * People, creates "Pro users" (trait plan = pro, synced to a HubSpot list the site has no connection for),
 * sees its size, the member linking to the profile, the CSV with that person, and the sync failing with its
 * reason. The open audience is in the URL.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };

function page(snippet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><h1>Shop</h1><button id="login" type="button">Sign in</button>
<script>
document.getElementById('login').addEventListener('click', function () {
  window.tidemark.identify('user-7', { plan: 'pro', email: 'pro@shop.test' });
});
</script></body></html>`;
}

describe.skipIf(!!unavailable)('audiences in the dashboard', () => {
  let h: SiteHarness;
  let siteId = '';

  beforeAll(async () => {
    h = await startSiteHarness();
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('creates an audience from a trait, lists its members and exports them', async () => {
    const p = h.owner.page;
    siteId = await ownerWithSite(h, 'Shop', page);
    for (const signIn of [true, false]) {
      const visitor = await openWatched(h.browser);
      const v = visitor.page;
      let sent = collectAccepted(v);
      await v.goto(`${h.fixture.origin}/`);
      await sent;
      if (signIn) {
        sent = collectAccepted(v);
        await v.click('#login');
        await sent;
      }
      await visitor.context.close();
    }

    await p.goto(`${h.url}/sites/${siteId}`);
    await p.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Audiences' }).click();
    const form = p.getByRole('form', { name: 'New audience' });
    await form.getByLabel('Name').fill('Pro users');
    await form.getByLabel('Trait').fill('plan');
    await form.getByLabel('equals').fill('pro');
    await form.getByLabel('HubSpot list id').fill('123');
    await form.getByRole('button', { name: 'Create audience' }).click();

    const detail = p.getByRole('region', { name: 'Audience', exact: true });
    await detail.waitFor(SLOW);
    expect(p.url()).toMatch(/\/audiences\?a=/);
    const row = p.getByTestId('audience-row').filter({ hasText: 'Pro users' });
    await expect.poll(async () => row.getByTestId('audience-size').textContent(), SLOW).toBe('1');
    expect(await detail.getByTestId('audience-definition').textContent()).toContain('trait plan = pro');
    const member = detail.getByRole('link', { name: 'user-7' });
    await member.waitFor(SLOW);
    expect(await detail.getByRole('table').textContent()).toContain('pro@shop.test');
    // HubSpot is not connected for this site: the change waits, with the reason shown.
    expect(await detail.getByTestId('sync-hubspot').textContent()).toMatch(/failing .*1 change waiting/);
    await screenshot(p, 'audiences');

    const csv = await p.evaluate(
      async (href) => (await fetch(href ?? '')).text(),
      await detail.getByRole('link', { name: 'Download CSV' }).getAttribute('href'),
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('profile_id,user_id,email,since,last_seen,score,revenue');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.startsWith('uuser-7,user-7,pro@shop.test,')).toBe(true);

    // Edit: a new name, and no HubSpot list any more (its waiting change is dropped); the editor is in the URL.
    await detail.getByRole('button', { name: 'Edit' }).click();
    await p.waitForURL('**edit=1**', SLOW);
    const edit = p.getByRole('form', { name: 'Edit audience' });
    expect(await edit.getByLabel('equals').inputValue()).toBe('pro');
    await edit.getByLabel('Name').fill('Pro plan users');
    await edit.getByLabel('HubSpot list id').fill('');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const renamed = p.getByTestId('audience-row').filter({ hasText: 'Pro plan users' });
    await renamed.waitFor(SLOW);
    // Two passes, two size points: the row's trend line is drawn.
    await renamed.locator('svg.sparkline polyline').first().waitFor(SLOW);
    await detail.getByText('No sync targets.').waitFor(SLOW);
    expect(p.url()).not.toContain('edit=1');
    expect(await detail.getByTestId('audience-definition').textContent()).toContain('trait plan = pro');

    await member.click();
    await p.waitForURL(`**/people/uuser-7**`, SLOW);
    await p.goBack();
    await detail.waitFor(SLOW);
    expect(p.url()).toMatch(/\/audiences\?a=/);
  });
});
