import type net from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../server/test/helpers/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNothingRan,
  CHROMIUM,
  DESKTOP_UA,
  browserUnavailable,
  openWatched,
  screenshot,
  setUpOwner,
  startHarness,
  type Harness,
  type Watched,
} from './harness';

/**
 * The Domains screen in Chromium: the owner adds a tracking host and sees the TXT and HTTP instructions;
 * a check before the host points anywhere fails with its reason on screen; once the host reaches this
 * Tidemark (the test's resolver stands for DNS) the check verifies it over HTTP and Caddy's ask says yes.
 */
const unavailable = browserUnavailable();
const SLOW = { timeout: 20_000 };
const HOST = 'stats.shop-example.test';
const APP = 'app.acme-example.test';

describe.skipIf(!!unavailable)('custom domains in the browser', () => {
  let h: Harness;
  let owner: Watched;

  beforeAll(async () => {
    h = await startHarness();
    owner = await openWatched(h.browser);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('adds a host, shows why a check failed, verifies it once it routes here', async () => {
    const p = owner.page;
    await setUpOwner(p, h.url);
    await p.getByRole('link', { name: 'Domains' }).click();
    await p.getByRole('heading', { name: 'Domains', level: 1 }).waitFor();
    await p.getByLabel('Host name').fill(HOST);
    await p.getByRole('button', { name: 'Add domain' }).click();
    const card = p.getByRole('region', { name: HOST });
    await card.waitFor(SLOW);
    expect(await card.textContent()).toContain(`_tidemark-verify.${HOST}`);
    expect(await card.getByTestId('domain-status').textContent()).toBe('Not verified yet');

    // No DNS for the host yet: the check fails and says why.
    Object.assign(h.server.ctx.config.domainVerify, {
      resolveTxt: async () => {
        throw Object.assign(new Error('no record'), { code: 'ENOTFOUND' });
      },
      lookup: ((host, _o, cb) =>
        cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 0)) as net.LookupFunction,
    });
    await card.getByRole('button', { name: `Verify ${HOST}` }).click();
    await expect.poll(() => card.getByTestId('domain-error').textContent(), SLOW).toMatch(/TXT .*ENOTFOUND.*HTTP: .*ENOTFOUND/);
    await screenshot(p, 'domains-01-not-verified');

    // The host now points at the proxy in front of this Tidemark.
    Object.assign(h.server.ctx.config.domainVerify, {
      port: Number(new URL(h.url).port),
      allowPrivate: true,
      lookup: ((_h, o, cb) =>
        (o as { all?: boolean }).all
          ? (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }])
          : cb(null, '127.0.0.1', 4)) as net.LookupFunction,
    });
    expect((await fetch(`${h.url}/api/domains/ask?domain=${HOST}`)).status).toBe(404);
    await card.getByRole('button', { name: `Verify ${HOST}` }).click();
    await expect.poll(() => card.getByTestId('domain-status').textContent(), SLOW).toMatch(/^Verified by HTTP on /);
    expect((await fetch(`${h.url}/api/domains/ask?domain=${HOST}`)).status).toBe(200);
    await screenshot(p, 'domains-02-verified');
    await assertNothingRan(owner);
  });

  it("an app host shows its organization's branding, before anyone signs in", async () => {
    const p = owner.page;
    const form = p.getByRole('form', { name: 'Branding' });
    await form.getByLabel('Product name').fill('Acme Insights');
    await form.getByLabel('Primary colour').fill('#aa3300');
    await form.getByRole('button', { name: 'Save branding' }).click();
    // The signed-in owner's own dashboard follows at once.
    await expect.poll(() => p.getByTestId('product-name').first().textContent(), SLOW).toBe('Acme Insights');
    await p.getByLabel('Host name').fill(APP);
    await p.getByLabel('Used for').selectOption('app');
    await p.getByRole('button', { name: 'Add domain' }).click();
    const card = p.getByRole('region', { name: APP });
    await card.getByRole('button', { name: `Verify ${APP}` }).click();
    await expect.poll(() => card.getByTestId('domain-status').textContent(), SLOW).toMatch(/^Verified by HTTP/);

    // A visitor's browser resolving the app host to this server (the host header decides the branding).
    const port = new URL(h.url).port;
    const other = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${APP} 127.0.0.1`],
    });
    try {
      const ctx = await other.newContext({ userAgent: DESKTOP_UA, locale: 'en-US' });
      const tab = await ctx.newPage();
      await tab.goto(`http://${APP}:${port}/`);
      await expect.poll(() => tab.getByTestId('product-name').textContent(), SLOW).toBe('Acme Insights');
      expect(await tab.title()).toBe('Acme Insights');
      expect(await tab.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim())).toBe('#aa3300');
      await screenshot(tab, 'domains-03-app-host-branding');
      // The same server on its own address keeps the default brand.
      await tab.goto(`${h.url}/`);
      await expect.poll(() => tab.getByTestId('product-name').textContent(), SLOW).toBe('Tidemark');
      // The stock brand sets no accent of its own: in the dark theme, links keep the dark theme's lighter blue.
      await tab.emulateMedia({ colorScheme: 'dark' });
      const accent = () => tab.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
      await expect.poll(accent, SLOW).toBe('#7aa2ff');
      expect(await tab.evaluate(() => document.documentElement.style.getPropertyValue('--accent'))).toBe('');
    } finally {
      await other.close();
    }
  });
});
