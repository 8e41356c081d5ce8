import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTracker } from '../src/index';
import { chromiumUnavailable, launchChromium, waitFor } from './helpers/browser';
import { startFixtureServer, type CapturedEvent, type FixtureServer } from './helpers/fixture-server';

const skip = chromiumUnavailable();
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const named = (events: CapturedEvent[], name: string) => events.filter((e) => e.name === name);

/** Privacy, consent and delivery behaviour of the tracker, each in its own browser context. */
describe.skipIf(skip)('tracker privacy, consent and delivery in Chromium', () => {
  let dist: string;
  let site: FixtureServer;
  let browser: Browser;

  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-tracker-'));
    await buildTracker(dist);
    site = await startFixtureServer(dist);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
  });

  async function open(pageName: string, attrs = '', init?: (ctx: BrowserContext) => Promise<unknown>, ctx?: BrowserContext): Promise<Page> {
    ctx ??= await browser.newContext();
    await init?.(ctx);
    const page = await ctx.newPage();
    // attrs may start with data-site="…": that becomes the page's site id, the rest extra attributes.
    const m = /^data-site="([^"]*)"\s*/.exec(attrs);
    const query = `site=${m ? m[1] : 'test-site'}&attrs=${encodeURIComponent(m ? attrs.slice(m[0].length) : attrs)}`;
    await page.goto(`${site.origin}/page/${pageName}?${query}`);
    return page;
  }

  const siteEvents = (id: string) => site.events(id);

  it('privacy mode: e-mail addresses arrive only as their SHA-256, identify sets user_id on later events', async () => {
    const page = await open('index', 'data-site="privacy-site" data-privacy-mode="true"');
    await waitFor('page_view', () => named(siteEvents('privacy-site'), 'page_view').length === 1);
    await page.evaluate(() => {
      const t = (window as any).tidemark;
      t.identify('Alice@Example.com ', { email: 'alice@example.com', plan: 'pro' });
      t.track('contact', { address: ' ALICE@example.com', note: 'write to alice@example.com' });
    });
    await waitFor('contact event', () => named(siteEvents('privacy-site'), 'contact').length === 1);
    expect(await page.evaluate(() => (window as any).tidemark.isIdentified())).toBe(true);
    await page.close({ runBeforeUnload: true });
    await waitFor('page_exit', () => named(siteEvents('privacy-site'), 'page_exit').length === 1);

    const hash = sha256('alice@example.com');
    const raw = site.requests
      .filter((r) => r.body.site_id === 'privacy-site')
      .map((r) => r.raw)
      .join('\n');
    expect(raw).not.toContain('Alice@Example.com');
    expect(raw).not.toContain('ALICE@example.com');
    for (const e of siteEvents('privacy-site'))
      for (const v of Object.values(e.properties)) expect(String(v)).not.toMatch(/^\s*[^\s@]+@[^\s@]+\.[^\s@]+\s*$/);
    const [identify] = named(siteEvents('privacy-site'), 'identify');
    expect(identify.properties).toMatchObject({ user_id: hash, email: hash, plan: 'pro' });
    const [contact] = named(siteEvents('privacy-site'), 'contact');
    expect(contact.properties).toMatchObject({ user_id: hash, address: hash });
    // Only values that are addresses are hashed; free text stays as written (documented limit).
    expect(contact.properties.note).toBe('write to alice@example.com');
    expect(named(siteEvents('privacy-site'), 'page_exit')[0].properties.user_id).toBe(hash);
  });

  it('auto-identify takes the e-mail field of a submitted form (hashed in privacy mode), form_submit still carries no values', async () => {
    const page = await open('index', 'data-site="autoid-site" data-auto-identify data-privacy-mode');
    await waitFor('page_view', () => named(siteEvents('autoid-site'), 'page_view').length === 1);
    await page.fill('input[name=email]', ' Bob@Example.org');
    await page.fill('input[name=secret]', 'hunter2-secret');
    await page.click('#submit');
    await waitFor('identify', () => named(siteEvents('autoid-site'), 'identify').length === 1);
    await waitFor('form_submit', () => named(siteEvents('autoid-site'), 'form_submit').length === 1);
    expect(named(siteEvents('autoid-site'), 'identify')[0].properties.user_id).toBe(sha256('bob@example.org'));
    const raw = site.requests.map((r) => r.raw).join('\n');
    expect(raw.toLowerCase()).not.toContain('bob@example.org');
    expect(raw).not.toContain('hunter2-secret');
    await page.context().close();
  });

  for (const [signal, script] of [
    ['Do Not Track', () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })],
    ['Global Privacy Control', () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })],
  ] as const) {
    it(`${signal}: nothing is sent, unless the site opts out of respecting it`, async () => {
      const id = signal === 'Do Not Track' ? 'dnt-site' : 'gpc-site';
      const page = await open('index', `data-site="${id}"`, (ctx) => ctx.addInitScript(script));
      await page.evaluate(() => {
        (window as any).tidemark.track('should_not_leave');
        window.scrollTo(0, document.documentElement.scrollHeight);
      });
      await page.click('#out');
      await page.close({ runBeforeUnload: true });
      // The same browser settings with data-respect-dnt="false": its events arrive, so the page did work.
      const control = await open('index', `data-site="${id}-control" data-respect-dnt="false"`, (ctx) => ctx.addInitScript(script));
      await control.evaluate(() => (window as any).tidemark.track('control_event'));
      await control.close({ runBeforeUnload: true });
      await waitFor('control events', () => named(siteEvents(`${id}-control`), 'page_exit').length === 1);
      expect(named(siteEvents(`${id}-control`), 'control_event')).toHaveLength(1);
      expect(site.requests.filter((r) => r.body.site_id === id)).toEqual([]);
    });
  }

  it('optOut stops sending and is remembered; optIn resumes', async () => {
    const ctx = await browser.newContext();
    const page = await open('index', 'data-site="optout-site"', undefined, ctx);
    await waitFor('page_view', () => named(siteEvents('optout-site'), 'page_view').length === 1);
    await page.evaluate(() => {
      const t = (window as any).tidemark;
      t.optOut();
      t.track('after_opt_out');
    });
    await page.reload();
    await page.evaluate(() => (window as any).tidemark.track('after_reload'));
    await page.evaluate(() => {
      const t = (window as any).tidemark;
      t.optIn();
      t.track('after_opt_in');
    });
    await waitFor('after_opt_in', () => named(siteEvents('optout-site'), 'after_opt_in').length === 1);
    const names = siteEvents('optout-site').map((e) => e.name);
    expect(names).not.toContain('after_opt_out');
    expect(names).not.toContain('after_reload');
    expect(names.filter((n) => n === 'page_view')).toHaveLength(1); // the reload's page view was opted out
    await ctx.close();
  });

  it('cookieless off: a random visitor id is kept in localStorage and sent with every batch', async () => {
    const ctx = await browser.newContext();
    const page = await open('index', 'data-site="persist-site" data-cookieless="false"', undefined, ctx);
    await waitFor('page_view', () => named(siteEvents('persist-site'), 'page_view').length === 1);
    const vid = await page.evaluate(() => (window as any).tidemark.getVisitorId());
    expect(vid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.evaluate(() => localStorage.getItem('tidemark_vid'))).toBe(vid);
    await page.evaluate(() => (window as any).tidemark.identify('user-42', { plan: 'team' }));
    await page.reload();
    // Once per event id, as the collector keeps them: a batch the reload cut off is sent again with its ids.
    const pageViews = () => [...new Map(named(siteEvents('persist-site'), 'page_view').map((e) => [e.event_id, e])).values()];
    await waitFor('second page_view', () => pageViews().length === 2);
    const bodies = site.requests.filter((r) => r.body.site_id === 'persist-site');
    expect(bodies.every((r) => r.body.visitor?.id === vid)).toBe(true);
    // The identity survives the reload too.
    expect(pageViews()[1]!.properties.user_id).toBe('user-42');
    expect(await page.evaluate(() => (window as any).tidemark.getUserIdentity())).toMatchObject({ user_id: 'user-42' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await ctx.close();
  });

  it('asynchronous loader: queued commands are replayed after load, init first', async () => {
    const page = await open('loader');
    await waitFor('queued event', () => named(siteEvents('loader-site'), 'queued_before_load').length === 1);
    await page.evaluate(() => (window as any).tidemark('track', 'after_load', { n: 2 }));
    await waitFor('after_load', () => named(siteEvents('loader-site'), 'after_load').length === 1);
    const events = siteEvents('loader-site');
    expect(named(events, 'page_view')).toHaveLength(1);
    expect(named(events, 'queued_before_load')[0].properties).toMatchObject({ step: 1, path: '/page/loader' });
    expect(named(events, 'after_load')[0].properties).toMatchObject({ n: 2, variant: 'B' });
    expect(await page.evaluate(() => (window as any).tidemark.getConfig().site)).toBe('loader-site');
    await page.context().close();
  });

  it('excluded paths send nothing; hash routing counts hash changes as page views', async () => {
    const excluded = await open('private', 'data-site="exclude-site" data-exclude="/page/private*, /admin/*"');
    await excluded.evaluate(() => (window as any).tidemark.track('on_private_page'));
    await excluded.evaluate(() => history.pushState({}, '', '/open/page'));
    await waitFor('page_view after leaving the excluded path', () => named(siteEvents('exclude-site'), 'page_view').length === 1);
    expect(siteEvents('exclude-site').map((e) => [e.name, e.properties.path])).toEqual([['page_view', '/open/page']]);
    await excluded.context().close();

    const hashed = await open('private', 'data-site="hash-site" data-hash');
    await hashed.evaluate(() => (location.hash = '#/settings'));
    await waitFor('hash page_view', () => named(siteEvents('hash-site'), 'page_view').length === 2);
    expect(named(siteEvents('hash-site'), 'page_view').map((e) => e.properties.path)).toEqual(['/page/private', '/page/private#/settings']);
    await hashed.context().close();
  });

  it('retries with backoff after a server error; every event arrives exactly once', async () => {
    site.failNext(1, 'retry-site');
    const page = await open('index', 'data-site="retry-site"');
    await waitFor('refused first attempt', () => site.requests.some((r) => r.body.site_id === 'retry-site' && r.status === 503));
    await waitFor('accepted retry', () => named(siteEvents('retry-site'), 'page_view').length === 1);
    await page.evaluate(() => (window as any).tidemark.track('after_retry'));
    await page.close({ runBeforeUnload: true });
    await waitFor('page_exit', () => named(siteEvents('retry-site'), 'page_exit').length === 1);
    const refused = site.requests.filter((r) => r.body.site_id === 'retry-site' && r.status === 503);
    const accepted = siteEvents('retry-site');
    expect(refused).toHaveLength(1);
    // The retried batch kept its event ids and was sent again with a newer sent_at.
    const retried = site.requests.find(
      (r) => r.status < 300 && r.body.events.some((e) => e.event_id === refused[0].body.events[0].event_id),
    )!;
    expect(retried.body.sent_at).toBeGreaterThan(refused[0].body.sent_at);
    expect(accepted.map((e) => e.name).sort()).toEqual(['after_retry', 'page_exit', 'page_view']);
    expect(new Set(accepted.map((e) => e.event_id)).size).toBe(accepted.length);
  });
});
