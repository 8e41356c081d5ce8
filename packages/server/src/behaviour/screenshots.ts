import { createHash } from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { badRequest, TidemarkError, VIEWPORT_REFERENCE, type ViewportClass } from '@tidemark/core';
import type { Browser } from 'playwright-core';
import { isPrivateAddress } from '../auth';
import type { SiteRecord } from '../meta';
import type { LifecycleStore, PurgeCounts } from '../store';

/** A screenshot is reused for a week, then taken again (or at once when asked to refresh). */
const MAX_AGE_MS = 7 * 86_400_000;
const TIMEOUT_MS = 20_000;
/** Page-size cap: the full page, but never taller than this (CSS px). */
const MAX_HEIGHT = 12_000;
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36';

/** Whether `host` is the site's domain, a subdomain of it, or one of its allowed hosts. */
function ownHost(site: SiteRecord, host: string): boolean {
  const h = host.toLowerCase();
  const d = site.domain.toLowerCase();
  return h === d || h.endsWith(`.${d}`) || site.allowed_hosts.some((a) => a.toLowerCase() === h);
}

/**
 * Server-side screenshots of a site's pages for the heatmap view (InsightHub PRD §4.5.3): Chromium through
 * playwright-core at the viewport class's reference width, full page up to MAX_HEIGHT, stored as PNG in the
 * data dir per (site, page, viewport class) and reused for a week. Only pages on the site's own hosts; every
 * request the page makes (the page itself, its resources, redirects) is checked against private, loopback
 * and link-local addresses, refused unless the administrator allowed them (TIDEMARK_SCREENSHOT_ALLOW_PRIVATE).
 */
export class Screenshots {
  private browser: Promise<Browser> | undefined;
  private readonly inFlight = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly dir: string,
    private readonly chromium: string | undefined,
    private readonly allowPrivate = false,
  ) {}

  get enabled(): boolean {
    return !!this.chromium;
  }

  /** The page to load: a full URL on one of the site's hosts, or the path on https://<domain>. */
  target(site: SiteRecord, pageUrl: string): URL {
    const url = pageUrl.startsWith('/') ? new URL(`https://${site.domain}${pageUrl}`) : new URL(pageUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest('invalid_page_url', 'page_url: http or https only');
    if (!ownHost(site, url.hostname)) throw badRequest('foreign_host', "page_url: not on the site's domain or allowed hosts");
    url.hash = '';
    return url;
  }

  /** The PNG of the page (cached unless `refresh`); 400 for a refused address, 502 when the page cannot be captured. */
  async capture(site: SiteRecord, pageUrl: string, viewport: ViewportClass, refresh = false): Promise<Buffer> {
    if (!this.chromium) throw new TidemarkError(404, 'screenshots_off', 'Screenshots are not available on this server');
    const url = this.target(site, pageUrl);
    const key = createHash('sha256').update(`${url.href}\u0000${viewport}`).digest('hex').slice(0, 32);
    const file = path.join(this.dir, site.id, `${key}.png`);
    if (!refresh) {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs < MAX_AGE_MS) return fs.readFileSync(file);
    }
    const running = this.inFlight.get(file);
    if (running) return running;
    const job = this.take(url, viewport).then((png) => {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(`${file}.tmp`, png, { mode: 0o600 });
      fs.renameSync(`${file}.tmp`, file);
      return png;
    });
    this.inFlight.set(file, job);
    try {
      return await job;
    } finally {
      this.inFlight.delete(file);
    }
  }

  /**
   * The lifecycle duties of the screenshot files (DESIGN §8): older than the retention cutoff and a deleted
   * site's go; they picture pages, not people, so a data subject has nothing here.
   */
  readonly lifecycle: LifecycleStore = {
    purgeSiteBefore: async (siteId, cutoffMs): Promise<PurgeCounts> => ({ screenshots: this.remove(siteId, (mtime) => mtime < cutoffMs) }),
    purgeSite: async (siteId): Promise<PurgeCounts> => ({ screenshots: this.remove(siteId, () => true) }),
    exportSubject: async () => [],
    eraseSubject: async (): Promise<PurgeCounts> => ({}),
  };

  private remove(siteId: string, old: (mtimeMs: number) => boolean): number {
    const dir = path.join(this.dir, siteId);
    let n = 0;
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const file = path.join(dir, f);
      if (old(fs.statSync(file).mtimeMs)) {
        fs.rmSync(file, { force: true });
        n++;
      }
    }
    return n;
  }

  /**
   * Refuses a host that resolves to a private, loopback or link-local address (unless allowed); a host that
   * does not resolve is a page that cannot be captured (502), as when the page itself fails to load.
   */
  private async checkHost(host: string): Promise<void> {
    if (this.allowPrivate) return;
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = net.isIP(bare) ? [bare] : (await dns.lookup(bare, { all: true })).map((a) => a.address);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'lookup failed';
      throw new TidemarkError(502, 'screenshot_failed', `The page could not be loaded: ${host} does not resolve (${code})`);
    }
    if (addresses.some(isPrivateAddress))
      throw badRequest('private_address', `${host} resolves to a private, loopback or link-local address; an administrator may allow it`);
  }

  private async take(url: URL, viewport: ViewportClass): Promise<Buffer> {
    await this.checkHost(url.hostname);
    const browser = await this.launch();
    const ref = VIEWPORT_REFERENCE[viewport];
    const context = await browser.newContext({
      viewport: ref,
      userAgent: viewport === 'desktop' ? CHROME_UA : MOBILE_UA,
      isMobile: viewport === 'mobile',
      hasTouch: viewport !== 'desktop',
      locale: 'en-US',
      javaScriptEnabled: true,
    });
    try {
      const page = await context.newPage();
      let refused: unknown;
      // Every request of the page, redirects included, goes through the same address check.
      await page.route('**/*', async (route) => {
        const u = new URL(route.request().url());
        if (u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return route.abort('blockedbyclient');
        try {
          await this.checkHost(u.hostname);
          return route.continue();
        } catch (err) {
          refused ??= err;
          return route.abort('blockedbyclient');
        }
      });
      try {
        await page.goto(url.href, { waitUntil: 'load', timeout: TIMEOUT_MS });
      } catch (err) {
        throw (
          refused ?? new TidemarkError(502, 'screenshot_failed', `The page could not be loaded: ${(err as Error).message.split('\n')[0]}`)
        );
      }
      const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
      return await page.screenshot({
        clip: { x: 0, y: 0, width: ref.width, height: Math.max(height, ref.height) },
        fullPage: true,
        timeout: TIMEOUT_MS,
      });
    } finally {
      await context.close();
    }
  }

  private launch(): Promise<Browser> {
    this.browser ??= import('playwright-core').then(({ chromium }) =>
      chromium.launch({
        executablePath: this.chromium!,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-blink-features=AutomationControlled'],
      }),
    );
    return this.browser;
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b.catch(() => undefined))?.close();
  }
}
