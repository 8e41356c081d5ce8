import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildTracker } from '../src/index';
import { chromiumUnavailable, launchChromium, waitFor } from './helpers/browser';
import { startFixtureServer, type CapturedEvent, type FixtureServer } from './helpers/fixture-server';

// t.mp.js in Chromium: window.MetricPal, the MetricPal automatic events, cross-domain links, frame identity and
// the HubSpot / Klaviyo embeds' page events (dispatched here exactly as their scripts dispatch them).
const skip = chromiumUnavailable();
/**
 * The events of a name as the collector would keep them: once per event id. A batch whose answer a page
 * unload cut off is sent again with the same ids, and this capturing server, unlike the collector, keeps both.
 */
const named = (events: CapturedEvent[], name: string) => [
  ...new Map(events.filter((e) => e.name === name).map((e) => [e.event_id, e])).values(),
];

describe.skipIf(skip)('MetricPal extension (t.mp.js) in Chromium', () => {
  let dist: string;
  let site: FixtureServer;
  let browser: Browser;

  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-tracker-mp-'));
    await buildTracker(dist);
    site = await startFixtureServer(dist);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
  });

  async function open(siteId: string, attrs: string, query = '', origin = site.origin, pageName = 'metricpal'): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 600 } });
    const page = await ctx.newPage();
    await page.goto(`${origin}/page/${pageName}?site=${siteId}&attrs=${encodeURIComponent(attrs)}${query}`);
    await page.waitForFunction(() => typeof (window as any).MetricPal?.getClickInfo === 'function');
    return page;
  }

  it('window.MetricPal is the tidemark API, with sendData and getClickInfo', async () => {
    const page = await open('mp-api', 'data-metricpal data-interval-start="60000"');
    expect(await page.evaluate(() => (window as any).MetricPal === (window as any).tidemark)).toBe(true);
    const info = await page.evaluate(() => (window as any).MetricPal.getClickInfo(document.getElementById('cta')));
    expect(info).toMatchObject({ element_tag: 'button', element_id: 'cta', element_text: 'Start free trial', selector: 'button#cta' });
    expect(await page.evaluate(() => (window as any).MetricPal.getClickInfo(document.querySelector('#site-search input')))).toMatchObject({
      element_tag: 'input',
      selector: 'form#site-search > input',
    });
    // Events wait for a minute; sendData sends them now, whichever method is named.
    await page.evaluate(() => (window as any).MetricPal.trackEvent('button_clicked', { button_name: 'hero_cta' }));
    expect(named(site.events('mp-api'), 'button_clicked')).toHaveLength(0);
    expect(await page.evaluate(() => (window as any).MetricPal.sendData('xhr'))).toBe(true);
    await waitFor('xhr send', () => named(site.events('mp-api'), 'button_clicked').length === 1);
    await page.evaluate(() => (window as any).MetricPal.goal('newsletter_signup', { source: 'homepage' }));
    expect(await page.evaluate(() => (window as any).MetricPal.sendData('beacon'))).toBe(true);
    await waitFor('beacon send', () => named(site.events('mp-api'), 'newsletter_signup').length === 1);
    expect(named(site.events('mp-api'), 'button_clicked')[0]!.properties).toMatchObject({ button_name: 'hero_cta' });
    await page.context().close();
  });

  it('sends click, search, session_start, form_interaction and auto_identify events', async () => {
    const page = await open(
      'mp-auto',
      'data-metricpal data-auto-identify data-interval-start="100"',
      '&q=running%20shoes&email=Ann%40Example.com',
    );
    const ev = () => site.events('mp-auto');
    await waitFor('url search and identify', () => named(ev(), 'search').length === 1 && named(ev(), 'auto_identify').length === 1);
    expect(named(ev(), 'search')[0]!.properties).toMatchObject({ query: 'running shoes', search_type: 'url' });
    expect(named(ev(), 'auto_identify')[0]!.properties).toMatchObject({ source: 'url', email_domain: 'example.com' });
    expect(named(ev(), 'identify')[0]!.properties.user_id).toBe('Ann@Example.com');
    // Cookieless, reached without a referrer: a visit starts here.
    expect(named(ev(), 'session_start').map((e) => e.properties.reason)).toEqual(['entry']);

    await page.click('#cta');
    await page.fill('#site-search input', 'blue socks');
    await page.press('#site-search input', 'Enter');
    await page.focus('#contact-email');
    await page.focus('textarea');
    await page.focus('#contact-email'); // second focus of the same field: not sent again
    await page.fill('#contact-email', 'private@example.com');
    await page.click('#cta');
    await waitFor('clicks', () => named(ev(), 'click').length >= 2);
    await waitFor('form search', () => named(ev(), 'search').length === 2);
    const clicks = named(ev(), 'click').filter((e) => e.properties.element_id === 'cta');
    expect(clicks[0]!.properties).toMatchObject({ element_tag: 'button', element_text: 'Start free trial', element_classes: 'hero big' });
    expect(named(ev(), 'search')[1]!.properties).toMatchObject({ query: 'blue socks', search_type: 'form', form_id: 'site-search' });
    await waitFor('form interactions', () => named(ev(), 'form_interaction').length >= 4);
    const interactions = named(ev(), 'form_interaction').map((e) => [
      e.properties.interaction,
      e.properties.element_type,
      e.properties.form_id,
    ]);
    expect(interactions).toEqual(
      expect.arrayContaining([
        ['focus', 'email', 'contact'],
        ['blur', 'email', 'contact'],
        ['focus', 'textarea', 'contact'],
        ['blur', 'textarea', 'contact'],
      ]),
    );
    expect(interactions.filter((i) => i[0] === 'focus' && i[1] === 'email')).toHaveLength(1);
    // Field values never leave the page (the address only identifies on submit, and this form was not submitted).
    expect(site.requests.map((r) => r.raw).join('\n')).not.toContain('private@example.com');
    await page.context().close();
  });

  it('persistent ids: session_start once per visit', async () => {
    const page = await open('mp-visit', 'data-metricpal data-cookieless="false" data-interval-start="100"');
    await waitFor('session_start', () => named(site.events('mp-visit'), 'session_start').length === 1);
    expect(named(site.events('mp-visit'), 'session_start')[0]!.properties.reason).toBe('new_visitor');
    await page.reload();
    await page.waitForFunction(() => typeof (window as any).MetricPal?.getClickInfo === 'function');
    await waitFor('second page view', () => named(site.events('mp-visit'), 'page_view').length === 2);
    // A visit that went quiet for longer than the session timeout starts again. The quiet and the click are
    // one task: any activity between them (a late scroll of the reload) would otherwise count as the visit's.
    await page.evaluate(() => {
      localStorage.setItem('tidemark_last', String(Date.now() - 31 * 60_000));
      (document.getElementById('cta') as HTMLButtonElement).click();
    });
    await waitFor('timeout session_start', () => named(site.events('mp-visit'), 'session_start').length === 2);
    expect(named(site.events('mp-visit'), 'session_start')[1]!.properties.reason).toBe('timeout');
    await page.context().close();
  });

  it('decorates links to listed domains with the visitor id and adopts it on arrival', async () => {
    const page = await open(
      'mp-source',
      'data-metricpal data-cookieless="false" data-cross-domain="localhost, example.net" data-interval-start="100"',
    );
    const vid = await page.evaluate(() => (window as any).MetricPal.getVisitorId());
    expect(vid).toMatch(/^[0-9a-f-]{36}$/);
    // A link elsewhere is left alone.
    await page.click('#elsewhere');
    expect(await page.getAttribute('#elsewhere', 'href')).toBe('https://example.org/elsewhere');
    await Promise.all([page.waitForURL(/^http:\/\/localhost/), page.click('#partner')]);
    await page.waitForFunction(() => typeof (window as any).MetricPal?.getClickInfo === 'function');
    // The parameter leaves the address bar; the other domain's tracker took the id over.
    expect(new URL(page.url()).searchParams.get('tm_vid')).toBeNull();
    expect(new URL(page.url()).searchParams.get('site')).toBe('mp-landing');
    expect(await page.evaluate(() => (window as any).MetricPal.getVisitorId())).toBe(vid);
    await waitFor('landing events', () => site.requests.some((r) => r.body.site_id === 'mp-landing'));
    const landing = site.requests.filter((r) => r.body.site_id === 'mp-landing');
    expect(landing.every((r) => r.body.visitor?.id === vid)).toBe(true);
    const source = site.requests.filter((r) => r.body.site_id === 'mp-source');
    expect(source.every((r) => r.body.visitor?.id === vid)).toBe(true);
    await page.context().close();
  });

  it('takes a frame identity from allowed origins only (metricpal-identify)', async () => {
    const frameAttrs = 'data-metricpal data-cross-domain="127.0.0.1" data-interval-start="100"';
    const frameSrc = `${site.otherOrigin}/page/metricpal?site=mp-frame&attrs=${encodeURIComponent(frameAttrs)}`;
    for (const [parentSite, allowed] of [
      ['mp-parent-ok', 'localhost'],
      ['mp-parent-no', 'example.com'],
    ] as const) {
      const page = await open(parentSite, `data-metricpal data-cross-domain="${allowed}" data-interval-start="100"`);
      await page.evaluate((src) => {
        const f = document.createElement('iframe');
        f.src = src;
        document.getElementById('frames')!.append(f);
      }, frameSrc);
      const frame = await waitFor('frame', () => page.frames().find((f) => f.url().startsWith(site.otherOrigin)));
      await frame.waitForFunction(() => typeof (window as any).MetricPal?.getClickInfo === 'function');
      await frame.evaluate(() => (window as any).MetricPal.identify('frame-user@example.com', { plan: 'pro' }));
      // A message from the page itself (same window) is not a frame's identity.
      await page.evaluate(() => window.postMessage({ name: 'metricpal-identify', identity: { user_id: 'self@example.com' } }, '*'));
      await page.waitForTimeout(300);
      await page.evaluate(() => (window as any).MetricPal.trackEvent('sentinel'));
      await waitFor('sentinel', () => named(site.events(parentSite), 'sentinel').length === 1);
      const identities = named(site.events(parentSite), 'identify').map((e) => e.properties.user_id);
      expect(identities, parentSite).toEqual(allowed === 'localhost' ? ['frame-user@example.com'] : []);
      expect(await page.evaluate(() => (window as any).MetricPal.isIdentified())).toBe(allowed === 'localhost');
      await page.context().close();
    }
  });

  it('captures HubSpot forms and meetings and Klaviyo forms from their page events', async () => {
    const page = await open('mp-embeds', 'data-metricpal data-auto-identify data-interval-start="100"');
    await page.evaluate(() => {
      // The legacy HubSpot forms script posts these to the page's own window.
      window.postMessage({ type: 'hsFormCallback', eventName: 'onFormReady', id: 'f1d2c3b4-hs' }, '*');
      window.postMessage(
        {
          type: 'hsFormCallback',
          eventName: 'onFormSubmit',
          id: 'f1d2c3b4-hs',
          data: [
            { name: 'firstname', value: 'Hank' },
            { name: 'email', value: 'hank@hubspot-lead.example' },
          ],
        },
        '*',
      );
      window.postMessage(
        {
          meetingBookSucceeded: true,
          meetingsPayload: { bookingResponse: { postResponse: { contact: { email: 'meet@lead.example', firstName: 'M' } } } },
        },
        '*',
      );
      window.dispatchEvent(new CustomEvent('klaviyoForms', { detail: { type: 'open', formId: 'KL123' } }));
      window.dispatchEvent(
        new CustomEvent('klaviyoForms', {
          detail: { type: 'submit', formId: 'KL123', companyId: 'C1', metaData: { $email: 'kay@klaviyo-lead.example' } },
        }),
      );
      window.dispatchEvent(new CustomEvent('hs-form-event:on-submission:success', { detail: { formId: 'v4-form', instanceId: 'i1' } }));
    });
    const ev = () => site.events('mp-embeds');
    await waitFor('embed events', () => named(ev(), 'form_submit').length === 3 && named(ev(), 'meeting_booked').length === 1);
    // Messages arrive after the window events: compared in a fixed order.
    const sorted = <T>(list: T[]) => list.map((v) => JSON.stringify(v)).sort();
    expect(sorted(named(ev(), 'form_submit').map((e) => [e.properties.integration, e.properties.form_id]))).toEqual(
      sorted([
        ['hubspot', 'f1d2c3b4-hs'],
        ['klaviyo', 'KL123'],
        ['hubspot', 'v4-form'],
      ]),
    );
    await waitFor('identifies', () => named(ev(), 'identify').length === 3);
    expect(sorted(named(ev(), 'identify').map((e) => e.properties.user_id))).toEqual(
      sorted(['hank@hubspot-lead.example', 'meet@lead.example', 'kay@klaviyo-lead.example']),
    );
    // Each auto_identify follows its identify, possibly in the next batch.
    await waitFor('auto identifies', () => named(ev(), 'auto_identify').length === 3);
    expect(sorted(named(ev(), 'auto_identify').map((e) => [e.properties.source, e.properties.email_domain]))).toEqual(
      sorted([
        ['hubspot', 'hubspot-lead.example'],
        ['hubspot_meetings', 'lead.example'],
        ['klaviyo', 'klaviyo-lead.example'],
      ]),
    );
    await page.context().close();
  });

  it('without data-metricpal nothing of it runs (t.mp.js is not loaded)', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.origin}/page/metricpal?site=mp-off&attrs=${encodeURIComponent('data-interval-start="100"')}`);
    await waitFor('page view', () => named(site.events('mp-off'), 'page_view').length === 1);
    await page.click('#cta');
    await page.evaluate(() => window.postMessage({ type: 'hsFormCallback', eventName: 'onFormSubmit', id: 'x', data: [] }, '*'));
    await page.evaluate(() => (window as any).MetricPal.trackEvent('sentinel'));
    await waitFor('sentinel', () => named(site.events('mp-off'), 'sentinel').length === 1);
    expect(site.events('mp-off').map((e) => e.name)).toEqual(['page_view', 'sentinel']);
    expect(await page.evaluate(() => [...document.scripts].some((s) => s.src.includes('t.mp.js')))).toBe(false);
    await ctx.close();
  });
});
