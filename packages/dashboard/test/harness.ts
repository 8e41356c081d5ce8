import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig, startServer, type Config, type RunningServer } from '@tidemark/server';
// The launch flags that keep the visitor's browser from announcing itself as automated (the collector drops bots).
import { CHROMIUM_ARGS } from '../../server/test/helpers/browser';

export const CHROMIUM = process.env.TIDEMARK_CHROMIUM ?? '/usr/bin/chromium';
/** Headless Chromium announces itself as HeadlessChrome, which bot filtering rightly drops. */
export const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = path.resolve(pkgDir, '../..');
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'dashboard');

/** Why the browser suite cannot run here, or undefined when it can; with CI=true a missing browser fails the suite. */
export function browserUnavailable(): string | undefined {
  const reason = fs.existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM}`;
  if (reason && process.env.CI === 'true') throw new Error(`Browser suite cannot run in CI: ${reason}`);
  return reason;
}

/** The owner the first-run setup creates in the journeys that start from an empty server. */
export const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: 'Olivia Owner' };

export interface Harness {
  server: RunningServer;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<Config> = {}): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-dash-'));
  const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'silent' }, { host: '127.0.0.1', port: 0, dataDir, ...overrides });
  const server = await startServer(config);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    server,
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server and browser, the tracked fixture site, and the owner's watched browser profile. */
export interface SiteHarness extends Harness {
  fixture: FixtureSite;
  owner: Watched;
}

export async function startSiteHarness(overrides: Partial<Config> = {}): Promise<SiteHarness> {
  const h = await startHarness(overrides);
  const fixture = await startFixtureSite();
  const owner = await openWatched(h.browser);
  return {
    ...h,
    fixture,
    owner,
    async close() {
      await h.close();
      await fixture.close();
    },
  };
}

/**
 * Signs the owner up, adds the first site for the fixture's origin and, when given `page`, serves
 * `page(snippet)` there; the site id.
 */
export async function ownerWithSite(h: SiteHarness, name: string, page?: (snippet: string) => string): Promise<string> {
  await setUpOwner(h.owner.page, h.url);
  const site = await addFirstSite(h.owner.page, h.fixture.origin, name);
  if (page) h.fixture.setHtml(page(site.snippet));
  return site.siteId;
}

/** Resolves when the page's next batch was accepted (the tracker batches a page's events for a moment). */
export const collectAccepted = (page: Page) =>
  page.waitForResponse((r) => r.url().endsWith('/api/collect') && r.status() === 202, { timeout: 20_000 });

/**
 * A visitor in their own browser context opens the fixture's home page and follows the links with these ids
 * (`#pricing` → `/pricing`), each page read until its events were sent. The visitor stays open.
 */
export async function walkLinks(h: SiteHarness, linkIds: readonly string[]): Promise<Watched> {
  const visitor = await openWatched(h.browser);
  const v = visitor.page;
  let collected = collectAccepted(v);
  await v.goto(`${h.fixture.origin}/`);
  await collected;
  for (const next of linkIds) {
    collected = collectAccepted(v);
    await v.click(`#${next}`);
    await v.waitForURL(`**/${next}`);
    await collected;
  }
  return visitor;
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Everything that would mean injected code ran or was about to: dialogs, CSP reports, page errors. */
  problems: string[];
}

/**
 * A fresh browser profile with tripwires: any alert/confirm, any Content-Security-Policy violation
 * and any uncaught page error is recorded, and `window.__pwned` (what the hostile payloads set) is checked
 * by `assertNothingRan`.
 */
export async function openWatched(
  browser: Browser,
  opts: { width?: number; colorScheme?: 'light' | 'dark'; userAgent?: string } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    userAgent: opts.userAgent ?? DESKTOP_UA,
    viewport: { width: opts.width ?? 1280, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|apply|load)/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, page, problems };
}

export async function assertNothingRan(w: Watched): Promise<void> {
  const state = await w.page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    csp: (window as unknown as { __csp?: string[] }).__csp ?? [],
  }));
  const all = [...w.problems, ...state.csp.map((c) => `csp: ${c}`), ...(state.pwned !== null ? [`__pwned = ${String(state.pwned)}`] : [])];
  if (all.length) throw new Error(`Injected code ran or was blocked:\n${all.join('\n')}`);
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

export interface FixtureSite {
  /** Origin of the tracked site: `http://fixture.localhost:<port>` (Chromium resolves *.localhost to loopback). */
  origin: string;
  host: string;
  setHtml(html: string): void;
  close(): Promise<void>;
}

/**
 * The tracked website: a real HTTP server on an ephemeral loopback port answering every path with the
 * fixture page. Being on loopback like the Tidemark server keeps Chromium's private-network rules happy.
 */
export async function startFixtureSite(): Promise<FixtureSite> {
  let html = '<!doctype html><title>empty</title>';
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://fixture.localhost:${port}`,
    host: 'fixture.localhost',
    setHtml: (h) => {
      html = h;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Hostile strings fed through every tracked field the dashboard shows. */
export const HOSTILE = {
  title: `Pricing <img src=x onerror="window.__pwned='title'"><script>window.__pwned='title'</script>`,
  source: `<script>window.__pwned='source'</script>`,
  campaign: `"><img src=x onerror="window.__pwned='campaign'">`,
  prop: `<svg onload="window.__pwned='prop'"></svg>`,
  referrer: `javascript:window.__pwned='referrer'//`,
};

/**
 * A page on the tracked site (served by the browser's router, not a real host) carrying the snippet
 * copied from the dashboard, a script-bearing title, and a custom event with a script-bearing property.
 */
export function fixturePage(snippet: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(HOSTILE.title)}</title>${snippet}</head>
<body><h1>Fixture</h1>
<button id="signup" type="button">Sign up</button>
<script>
document.getElementById('signup').addEventListener('click', function () {
  window.tidemark && window.tidemark('track', 'signup', { plan: ${JSON.stringify(HOSTILE.prop)} });
});
</script>
</body></html>`;
}

/** First-run setup through the form: creates the owner (and the organization "Acme"). */
export async function setUpOwner(page: Page, url: string, owner = OWNER): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Set up Tidemark' }).waitFor();
  await page.getByLabel('Your name').fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByLabel('Organization name').fill('Acme');
  await page.getByRole('button', { name: 'Create owner account' }).click();
}

/** Adds the account's first site through the form; returns its id and the snippet the dashboard shows. */
export async function addFirstSite(page: Page, origin: string, name: string): Promise<{ siteId: string; snippet: string }> {
  await page.getByRole('link', { name: 'Add your first site' }).click();
  await page.getByLabel('Domain').fill(`${origin}/`);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Add site and get snippet' }).click();
  const snippetEl = page.getByTestId('snippet');
  await snippetEl.waitFor();
  return { siteId: new URL(page.url()).pathname.split('/')[2], snippet: (await snippetEl.textContent()) ?? '' };
}

/** Fills the sign-in form on the page already showing it and submits. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Registers an account through the API (the server's first account becomes its owner); returns the status. */
export async function registerThroughApi(url: string, body: Record<string, string>): Promise<number> {
  const r = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify(body),
  });
  return r.status;
}

/** A JSON call to the server with a browser profile's session (as the dashboard would make it). */
export type SessionApi = (method: string, path: string, body?: unknown) => Promise<unknown>;

/**
 * Signs the admin the config created in through the login form (no site yet) and returns calls with that
 * browser session, for tests that set up over the API what other tests cover through forms.
 */
export async function adminSession(h: Harness, owner: Watched, admin: { email: string; password: string }): Promise<SessionApi> {
  await owner.page.goto(`${h.url}/login`);
  await signIn(owner.page, admin.email, admin.password);
  await owner.page.getByRole('heading', { name: 'No sites yet' }).waitFor();
  const cookie = (await owner.context.cookies(h.url)).map((c) => `${c.name}=${c.value}`).join('; ');
  return async (method, path, body) =>
    (
      await fetch(h.url + path, {
        method,
        headers: { cookie, origin: h.url, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    ).json();
}
