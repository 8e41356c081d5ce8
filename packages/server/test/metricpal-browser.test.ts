import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@tidemark/core';
import type { Config } from '../src/config';
import type { SiteRecord } from '../src/meta';
import { ClickHouseEventStore } from '../src/store';
import { chromiumMissing, personContext, startTrackedSite, until, type SitePages, type TrackedSite } from './helpers/browser';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// End to end with the MetricPal extension: a page written for MetricPal (window.MetricPal, data-metricpal)
// loads t.js from the real server; its automatic events and the HubSpot / Klaviyo page events (dispatched as
// their embeds dispatch them) are stored and counted by the stats engine — on DuckDB, and on ClickHouse
// (the same collect pipeline and stats engine over the scale-out store).

/** What the steps below make the page send, written out (the independent expectation). */
const EXPECTED: Record<string, number> = {
  page_view: 1,
  session_start: 1,
  search: 1,
  click: 2,
  form_interaction: 2,
  form_submit: 2,
  meeting_booked: 1,
  identify: 3,
  auto_identify: 3,
  button_clicked: 1,
  demo_booked: 1,
  page_exit: 1,
};

const clickhouse = await clickhouseAvailable('metricpal-browser');
const engines: Array<[string, () => Partial<Config> | null]> = [
  ['DuckDB', () => ({})],
  ['ClickHouse', () => (clickhouse.ok ? { eventsUrl: clickhouseDatabaseUrl(uniqueName('tidemark_mp')) } : null)],
];

for (const [engine, overrides] of engines) {
  const config = overrides();
  describe.skipIf(chromiumMissing() || !config)(`MetricPal page → /api/collect → stats (${engine})`, () => {
    let tracked: TrackedSite;
    let server: TrackedSite['server'];
    let site: SiteRecord;
    let pages: SitePages;
    let browser: Browser;

    beforeAll(async () => {
      tracked = await startTrackedSite({
        config: config!,
        org: 'MetricPal Org',
        site: { name: 'MetricPal site', domain: 'localhost' },
        html: (server, site) => `<!doctype html><html><head><title>Shop</title>
<script defer src="${server.url}/t.js" data-site="${site.tracking_id}" data-metricpal data-auto-identify data-interval-start="200"></script></head>
<body><button id="cta">Book a demo</button><form id="lead"><input id="email" name="email" type="email"></form></body></html>`,
      });
      ({ server, site, pages, browser } = tracked);
    }, 60_000);

    afterAll(async () => {
      await tracked?.close();
      if (config?.eventsUrl) await new ClickHouseEventStore(config.eventsUrl).dropDatabase();
    });

    const names = async () => {
      const rows = await server.ctx.events.query<{ name: string }>('SELECT name FROM events WHERE site_id = ?', [site.id]);
      const out: Record<string, number> = {};
      for (const r of rows) out[r.name] = (out[r.name] ?? 0) + 1;
      return out;
    };

    it('stores the automatic events and the embeds’ events, and the stats engine counts them', async () => {
      const ctx = await personContext(browser);
      const tab = await ctx.newPage();
      await tab.goto(`${pages.origin}/shop?q=boots`);
      await tab.waitForFunction(() => typeof (window as any).MetricPal?.getClickInfo === 'function');
      await tab.click('#cta');
      await tab.focus('#email');
      await tab.click('#cta'); // blurs the field
      await tab.evaluate(() => {
        window.postMessage(
          { type: 'hsFormCallback', eventName: 'onFormSubmit', id: 'hs-form-1', data: [{ name: 'email', value: 'lead@hubspot.example' }] },
          '*',
        );
        window.postMessage(
          {
            meetingBookSucceeded: true,
            meetingsPayload: { bookingResponse: { postResponse: { contact: { email: 'meet@hubspot.example' } } } },
          },
          '*',
        );
        window.dispatchEvent(
          new CustomEvent('klaviyoForms', { detail: { type: 'submit', formId: 'KX1', metaData: { $email: 'kay@klaviyo.example' } } }),
        );
        const mp = (window as any).MetricPal;
        mp.trackEvent('button_clicked', { button_name: 'hero_cta' });
        mp.goal('demo_booked', { integration: 'HubSpot' });
      });
      await until('events stored', async () => ((await names()).auto_identify ?? 0) === 3 && (await names()).demo_booked === 1);
      await tab.close({ runBeforeUnload: true });
      await until('page_exit stored', async () => (await names()).page_exit === 1);
      await ctx.close();

      expect(await names()).toEqual(EXPECTED);
      const stored = await server.ctx.events.query<Record<string, any>>(
        "SELECT name, user_id, props FROM events WHERE site_id = ? AND name IN ('search', 'form_submit', 'identify')",
        [site.id],
      );
      expect(JSON.parse(stored.find((e) => e.name === 'search')!.props)).toMatchObject({ query: 'boots', search_type: 'url' });
      expect(
        stored
          .filter((e) => e.name === 'form_submit')
          .map((e) => JSON.parse(e.props).integration)
          .sort(),
      ).toEqual(['hubspot', 'klaviyo']);
      expect(
        stored
          .filter((e) => e.name === 'identify')
          .map((e) => e.user_id)
          .sort(),
      ).toEqual(['kay@klaviyo.example', 'lead@hubspot.example', 'meet@hubspot.example']);

      const today = new Date().toISOString().slice(0, 10);
      const run = (input: Record<string, unknown>) =>
        server.ctx.stats.query(parseQuery({ site_id: site.id, date_range: { start: today, end: today }, ...input }), site);
      const byName = (await run({ metrics: ['events'], dimensions: ['event_name'], limit: 100 })).rows;
      expect(Object.fromEntries(byName.map((r) => [String(r.event_name), Number(r.events)]))).toEqual(EXPECTED);
      const [kpi] = (await run({ metrics: ['visitors', 'sessions', 'pageviews', 'events'] })).rows;
      const total = Object.values(EXPECTED).reduce((a, b) => a + b, 0);
      expect(kpi).toEqual({ visitors: 1, sessions: 1, pageviews: 1, events: total });
    }, 90_000);
  });
}
