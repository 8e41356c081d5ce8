import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers/server';
import { signUp } from '../../test/helpers/accounts';
import { createDemoSite, findDemoSite, DEMO_DOMAIN } from './demo-site';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('demo data', () => {
  let s: Server;

  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it('creates a demo site and stores every generated event through the event store', async () => {
    const org = await s.ctx.meta.orgs.create('Direct Org');
    const now = Date.UTC(2026, 0, 15, 12);
    const calledAt = Date.now();
    const r = await createDemoSite(s.ctx, { orgId: org.id, days: 3, visitorsPerDay: 150, now, timezone: 'Europe/Paris' });
    expect(r.site.domain).toBe(DEMO_DOMAIN);
    expect(r.site.timezone).toBe('Europe/Paris');
    expect((await findDemoSite(s.ctx, org.id))?.id).toBe(r.site.id);
    expect(r.events).toBeGreaterThan(1000);
    const [row] = await s.ctx.events.query<{ n: number; sessions: number; lo: number; hi: number; hosts: number }>(
      `SELECT count(*) AS n, count(DISTINCT session_id) AS sessions, min(epoch_ms(ts)) AS lo, max(epoch_ms(ts)) AS hi, count(DISTINCT host) AS hosts
       FROM events WHERE site_id = ?`,
      [r.site.id],
    );
    expect(row.n).toBe(r.events);
    expect(row.sessions).toBeGreaterThan(100);
    expect(row.lo).toBeGreaterThanOrEqual(now - 3 * 86_400_000);
    expect(row.hi).toBeLessThan(now);
    expect(row.hosts).toBe(1);
    // Received now (not back-dated to their event times), so the rollup's received_at watermark never skips them.
    const [received] = await s.ctx.events.query<{ lo: number }>('SELECT min(epoch_ms(received_at)) AS lo FROM events WHERE site_id = ?', [
      r.site.id,
    ]);
    expect(received.lo).toBeGreaterThanOrEqual(calledAt);

    // Its purchases are the site's transactions, as collected ones would be: per currency, the same total.
    const bought = await s.ctx.events.query<{ currency: string; n: number; amount: number }>(
      `SELECT revenue_currency AS currency, count(*) AS n, sum(revenue_amount) AS amount
       FROM events WHERE site_id = ? AND revenue_amount IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [r.site.id],
    );
    expect(bought.length).toBeGreaterThan(0);
    const counted = await s.ctx.events.query<{ currency: string; n: number; amount: number }>(
      `SELECT currency, count(*) AS n, sum(amount) AS amount FROM transactions WHERE site_id = ? AND status = 'counted' GROUP BY 1 ORDER BY 1`,
      [r.site.id],
    );
    expect(counted.map((c) => ({ currency: c.currency, n: Number(c.n), amount: Number(c.amount) }))).toEqual(
      bought.map((b) => ({ currency: b.currency, n: Number(b.n), amount: Math.round(Number(b.amount) * 100) })),
    );
  });

  it('gives the demo behaviour data the behaviour reports read: heatmaps, frustration, vitals, errors', async () => {
    const org = await s.ctx.meta.orgs.create('Behaviour Org');
    const now = Date.UTC(2026, 0, 15, 12);
    const { site, recordings } = await createDemoSite(s.ctx, { orgId: org.id, days: 7, visitorsPerDay: 300, now });
    expect(site.heatmaps_enabled).toBe(true);
    expect(site.vitals_enabled && site.errors_enabled).toBe(true);
    const period = { period: 'custom', start_date: '2026-01-01', end_date: '2026-01-15' };
    const count = async (where: string) => {
      const [row] = await s.ctx.events.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE site_id = ? AND ${where}`, [site.id]);
      return Number(row.n);
    };

    // One vitals event per page view; the report counts every one.
    const pageViews = await count(`name = 'page_view'`);
    expect(await count(`name = 'page_performance'`)).toBe(pageViews);
    const vitals = await s.ctx.behaviour.vitals(site, period, now);
    expect(vitals.totals.samples).toBe(pageViews);
    expect(vitals.totals.lcp.samples).toBe(pageViews);
    expect(vitals.totals.inp.samples).toBe(await count(`name = 'page_performance' AND json_extract_string(props, '$.inp') IS NOT NULL`));

    // Heatmap clicks on the pricing page, desktop class (viewport 1024 px and wider, or unknown).
    const heatmap = await s.ctx.behaviour.heatmap(site, { ...period, page_url: '/pricing', type: 'click', viewport: 'desktop' }, now);
    const desktopClicks = await count(`name = 'heatmap_click' AND path = '/pricing' AND (viewport_w IS NULL OR viewport_w >= 1024)`);
    expect(desktopClicks).toBeGreaterThan(0);
    expect(heatmap.totals.clicks).toBe(desktopClicks);
    expect(heatmap.data.clicks!.reduce((n, c) => n + c.count, 0)).toBe(desktopClicks);
    expect(heatmap.top_elements.map((e) => e.selector)).toContain('main > div.plans > a[data-plan="growth"]');
    // Only a sample of the sessions has heatmap samples.
    const [sessions] = await s.ctx.events.query<{ all: number; sampled: number }>(
      `SELECT count(DISTINCT session_id) AS "all", count(DISTINCT CASE WHEN name LIKE 'heatmap_%' THEN session_id END) AS sampled FROM events WHERE site_id = ?`,
      [site.id],
    );
    expect(Number(sessions.sampled) / Number(sessions.all)).toBeGreaterThan(0.2);
    expect(Number(sessions.sampled) / Number(sessions.all)).toBeLessThan(0.5);

    const frustration = await s.ctx.behaviour.frustration(site, period, now);
    expect(frustration.totals.dead_clicks).toBe(await count(`name = 'dead_click'`));
    expect(frustration.totals.rage_clicks).toBe(await count(`name = 'rage_click'`));
    expect(frustration.totals.dead_clicks).toBeGreaterThan(0);

    const errors = await s.ctx.behaviour.errors(site, period, now);
    expect(errors.totals.occurrences).toBe(await count(`name = 'error_occurred'`));
    expect(errors.totals.occurrences).toBeGreaterThan(0);
    expect(errors.errors.map((e) => e.message)).toContain("TypeError: Cannot read properties of undefined (reading 'price')");

    // Recordings of some of the last two days' heatmap-sampled sessions, one page load a chunk, read back
    // through the replay service as the player reads them.
    expect(site.replay_enabled).toBe(true);
    const list = await s.ctx.replay.list(site, { period: '7d', limit: 100 }, now);
    expect(list.total).toBeGreaterThan(5);
    expect(list.total).toBe(recordings);
    for (const rec of list.recordings.slice(0, 5)) {
      const views = await s.ctx.events.query<{ path: string; t: number }>(
        `SELECT path, epoch_ms(ts) AS t FROM events WHERE site_id = ? AND session_id = ? AND name = 'page_view' ORDER BY ts`,
        [site.id, rec.session_id],
      );
      expect(rec.started_at).toBeGreaterThanOrEqual(now - 2 * 86_400_000);
      expect(rec.chunks).toBe(views.length);
      expect(rec.pages).toEqual(views.map((v) => v.path).filter((p, i, all) => i === 0 || all[i - 1] !== p));
      const clicks = await count(`session_id = '${rec.session_id}' AND name = 'heatmap_click'`);
      const bursts = await s.ctx.events.query<{ n: number }>(
        `SELECT coalesce(sum(CAST(json_extract_string(props, '$.count') AS INTEGER)), 0) AS n FROM events WHERE site_id = ? AND session_id = ? AND name = 'rage_click'`,
        [site.id, rec.session_id],
      );
      expect(rec.clicks).toBe(clicks + Number(bursts[0]!.n));
      const stream = await s.ctx.replay.eventStream(site, rec.recording_id);
      let text = '';
      for await (const part of stream) text += part;
      const events = JSON.parse(text) as Array<{ type: number; data: { href?: string; node?: unknown } }>;
      expect(events.filter((e) => e.type === 4).map((e) => new URL(e.data.href!).pathname)).toEqual(views.map((v) => v.path));
      expect(events.filter((e) => e.type === 2)).toHaveLength(views.length);
    }
  });

  it("POST /api/demo fills the caller's organization once and refuses anonymous callers", async () => {
    const anonymous = await fetch(`${s.url}/api/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);

    const { client, me } = await signUp(s.url, 'demo-owner@example.com');
    const post = (body: unknown) =>
      fetch(`${s.url}/api/demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: s.url, cookie: client.cookie! },
        body: JSON.stringify(body),
      });
    expect((await post({ timezone: 'Not/AZone' })).status).toBe(400);

    const first = await post({});
    expect(first.status).toBe(201);
    const body = (await first.json()) as { site_id: string; events: number; site: { org_id: string } };
    expect(body.events).toBeGreaterThan(10_000);
    const [row] = await s.ctx.events.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', [body.site_id]);
    expect(row.n).toBe(body.events);
    const sites = await client.get<{ sites: Array<{ id: string }> }>('/api/sites');
    expect(sites.body.sites.map((x) => x.id)).toContain(body.site_id);
    void me;

    const again = await post({});
    expect(again.status).toBe(200);
    expect(((await again.json()) as { site_id: string }).site_id).toBe(body.site_id);
  }, 300_000);
});
