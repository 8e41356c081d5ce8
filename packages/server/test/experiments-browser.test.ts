import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment } from '@tidemark/core';
import type { SiteRecord } from '../src/meta';
import { assignmentUnit, ExperimentService, variantFor } from '../src/experiments';
import { chromiumMissing, personContext, startTrackedSite, until, type SitePages, type TrackedSite } from './helpers/browser';

/**
 * t.experiment.js in Chromium, as a page uses it: included alone (it adds t.js), the page asks
 * `tidemark.experiment('hero')` and shows the variant. The variant is the one the assignment gives the
 * visitor id the collector stored, it stays the same across reloads, and the session's exposure is stored
 * once (with key and variant) however many pages asked.
 */
describe.skipIf(chromiumMissing())('experiments in the browser', () => {
  let tracked: TrackedSite;
  let server: TrackedSite['server'];
  let site: SiteRecord;
  let pages: SitePages;
  let experiment: Experiment;

  beforeAll(async () => {
    tracked = await startTrackedSite({
      org: 'Experiments Org',
      site: { name: 'Shop', domain: 'localhost' },
      html: (server, site, url) => `<!doctype html><html lang="en"><head><title>Shop ${url}</title>
<script src="${server.url}/t.experiment.js" data-site="${site.tracking_id}" data-interval-start="100"></script>
<script>
  window.tidemark.experiment('hero').then((v) => { document.getElementById('hero').textContent = v === 'bold' ? 'Buy now!' : 'Buy'; document.body.dataset.variant = v; });
  window.tidemark.experiment('unknown').then((v) => { document.body.dataset.unknown = String(v); });
</script></head>
<body><main><h1 id="hero">…</h1></main></body></html>`,
    });
    ({ server, site, pages } = tracked);
    const goal = await server.ctx.meta.goals.create(site.id, { name: 'Bought', type: 'event', match: { event_name: 'purchase' } });
    const service = new ExperimentService(server.ctx.meta, server.ctx.stats);
    const draft = await service.create(site.id, {
      key: 'hero',
      name: 'Hero copy',
      variants: [
        { key: 'plain', weight: 1 },
        { key: 'bold', weight: 1 },
      ],
      metric: { type: 'goal', goal_id: goal.id },
    });
    experiment = await service.start(site.id, draft.id);
  });

  afterAll(async () => {
    await tracked?.close();
  });

  const stored = (name: string) =>
    server.ctx.events.query<{ visitor_id: string; session_id: string; props: string }>(
      'SELECT visitor_id, session_id, props FROM events WHERE site_id = ? AND name = ? ORDER BY ts',
      [site.id, name],
    );

  it('gives the visitor a variant that stays across reloads, and records one exposure for the session', async () => {
    const ctx = await personContext(tracked.browser);
    const tab = await ctx.newPage();
    const shown: string[] = [];
    // Each page sends the session's exposure once; the collector answers after the write is durable. The
    // answers are counted where the page's requests are routed (keepalive requests do not report finishing).
    let exposureAnswers = 0;
    await tab.route('**/api/collect', async (route) => {
      const response = await route.fetch();
      if (route.request().postData()?.includes('"$exposure"') && response.status() === 202) exposureAnswers += 1;
      await route.fulfill({ response });
    });
    for (let load = 0; load < 3; load++) {
      if (load === 0) await tab.goto(`${pages.origin}/`);
      else await tab.reload();
      await tab.waitForFunction(() => document.body.dataset.variant && document.body.dataset.unknown);
      shown.push(await tab.evaluate(() => document.body.dataset.variant!));
      expect(await tab.evaluate(() => document.body.dataset.unknown)).toBe('null');
      await until(`page ${load + 1} sent its exposure`, async () => exposureAnswers === load + 1);
    }
    expect(new Set(shown).size).toBe(1);
    expect(['plain', 'bold']).toContain(shown[0]);
    expect(await tab.textContent('#hero')).toBe(shown[0] === 'bold' ? 'Buy now!' : 'Buy');

    await until('three page views stored', async () => (await stored('page_view')).length >= 3);
    const views = await stored('page_view');
    const exposures = await stored('$exposure');
    // The variant is the assignment of the visitor id the collector gave these page views.
    expect(new Set(views.map((v) => v.visitor_id)).size).toBe(1);
    expect(shown[0]).toBe(variantFor('hero', assignmentUnit(views[0]!.visitor_id, null), experiment.variants));
    // One exposure for the one session, though three pages sent it (the same event id: the store keeps it once).
    expect(new Set(views.map((v) => v.session_id)).size).toBe(1);
    expect(exposures).toHaveLength(1);
    expect(exposures[0]!.session_id).toBe(views[0]!.session_id);
    expect(JSON.parse(exposures[0]!.props)).toEqual({ key: 'hero', variant: shown[0] });
    await ctx.close();
  });
});
