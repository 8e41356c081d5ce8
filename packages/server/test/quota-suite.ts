import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageSchema } from '@tidemark/core';
import type { Config } from '../src/config';
import { Client } from './helpers/accounts';
import { startTestServer } from './helpers/server';

/**
 * Monthly event quotas end to end, on whichever engine `overrides` selects: a reseller's client with a
 * hard limit receives more events than it may store; the ones over the limit are dropped with reason
 * "quota", counted in the site's drops and in /metrics like every other drop, and the Usage page reports
 * what the test counts in the store itself.
 */
export function runQuotaSuite(engine: { label: string; overrides(): Partial<Config> }): void {
  describe(`monthly event quota on ${engine.label}`, () => {
    const tag = crypto.randomBytes(5).toString('hex');
    const domain = `client-${tag}.example.com`;
    const HARD = 7;
    const SOFT = 4;
    let srv: Awaited<ReturnType<typeof startTestServer>>;
    let owner: Client;
    let resellerId = '';
    let clientId = '';
    let siteId = '';
    let trackingId = '';

    beforeAll(async () => {
      srv = await startTestServer(engine.overrides());
      owner = new Client(srv.url);
      const reg = await owner.post('/api/auth/register', {
        email: `agency-${tag}@mail.test`,
        password: 'correct horse battery',
        org_name: 'Agency',
      });
      expect(reg.status, reg.text).toBe(201);
      resellerId = reg.body.current_org.id;
      // The instance operator's step (tidemark org reseller): a reseller whose clients get at most HARD events a month.
      await srv.ctx.meta.tenancy.setReseller(resellerId, true, {
        max_sub_organizations: 5,
        max_sites_per_sub_org: 2,
        max_events_per_sub_org: HARD,
      });
      const client = await owner.post(`/api/orgs/${resellerId}/clients`, { name: `Client ${tag}`, events_soft_limit: SOFT });
      expect(client.status, client.text).toBe(201);
      clientId = client.body.id;
      expect(client.body.usage).toMatchObject({ events: 0, events_hard_limit: HARD, events_soft_limit: SOFT, status: 'ok' });
      expect((await owner.post(`/api/orgs/${resellerId}/clients/${clientId}/switch`)).status).toBe(200);
      const site = await owner.post('/api/sites', { name: 'Client shop', domain });
      expect(site.status, site.text).toBe(201);
      siteId = site.body.id;
      trackingId = site.body.tracking_id;
    });
    afterAll(async () => {
      await srv?.cleanup();
    });

    const collect = async (paths: string[]) => {
      const r = await fetch(`${srv.url}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
          origin: `https://${domain}`,
          'accept-language': 'en-US',
        },
        body: JSON.stringify({
          site_id: trackingId,
          events: paths.map((p) => ({ name: 'page_view', properties: { url: `https://${domain}${p}`, path: p } })),
        }),
      });
      return { status: r.status, body: await r.json().catch(() => null) };
    };
    const stored = async () =>
      Number((await srv.ctx.events.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', [siteId]))[0]?.n ?? 0);
    /** Quota drops as the store holds them (read directly: the owner may be back in its reseller's organization). */
    const quotaDrops = async () => {
      const day = new Date().toISOString().slice(0, 10);
      const rows = await srv.ctx.events.dropCounts(siteId, day, day);
      return rows.filter((r) => r.reason === 'quota').reduce((n, r) => n + Number(r.count), 0);
    };
    /**
     * Waits until every event sent is accounted for, stored or dropped: through the Redis stream a 202
     * means queued, written shortly after (directly, it already holds). Only an upper bound on the wait.
     */
    const settled = async (sent: number) => {
      const deadline = Date.now() + 20_000;
      while ((await stored()) + (await quotaDrops()) < sent) {
        if (Date.now() > deadline)
          throw new Error(`${sent} events not accounted for: ${await stored()} stored, ${await quotaDrops()} dropped`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it('stores events up to the hard limit and drops the rest with reason quota, counted like other drops', async () => {
      const first = await collect(['/a', '/b', '/c', '/d', '/e']);
      expect(first.status).toBe(202);
      await settled(5);
      const usage1 = usageSchema.parse((await owner.get(`/api/orgs/${clientId}/usage`)).body);
      expect(usage1).toMatchObject({ events: 5, status: 'warning', sites: 1, max_sites: 2 });
      const second = await collect(['/f', '/g', '/h', '/i']);
      expect([200, 202]).toContain(second.status);
      const third = await collect(['/j', '/k']);
      expect([200, 202]).toContain(third.status);
      await settled(11);
      // Sent 11, limit 7: independent count in the store.
      expect(await stored()).toBe(HARD);
      const drops = await owner.get(`/api/sites/${siteId}/ingest/drops`);
      expect(drops.status, drops.text).toBe(200);
      expect(drops.body.totals.quota).toBe(11 - HARD);
      const metrics = await fetch(`${srv.url}/metrics`).then((r) => r.text());
      const line = metrics.split('\n').find((l) => l.startsWith('tidemark_collect_dropped_total{') && l.includes('reason="quota"'));
      expect(Number(line?.split(' ').at(-1))).toBe(11 - HARD);
      const usage = usageSchema.parse((await owner.get(`/api/orgs/${clientId}/usage`)).body);
      expect(usage).toMatchObject({ events: await stored(), events_hard_limit: HARD, status: 'over' });
      // The reseller sees it in its client list too.
      expect((await owner.post('/api/auth/reseller-return')).status).toBe(200);
      const list = await owner.get(`/api/orgs/${resellerId}/clients`);
      expect(list.body.clients.map((c: { id: string; usage: { events: number } }) => [c.id, c.usage.events])).toEqual([[clientId, HARD]]);
    });

    it('a raised limit lets events in again at once', async () => {
      const patched = await owner.patch(`/api/orgs/${resellerId}/clients/${clientId}`, { events_hard_limit: HARD - 1 });
      expect(patched.status, patched.text).toBe(200);
      // At the ceiling the reseller cannot go higher than its own limit per client.
      const over = await owner.patch(`/api/orgs/${resellerId}/clients/${clientId}`, { events_hard_limit: HARD + 1 });
      expect(over.status).toBe(400);
      expect(over.body.error.code).toBe('over_reseller_limit');
      await srv.ctx.meta.tenancy.setReseller(resellerId, true, {
        max_sub_organizations: 5,
        max_sites_per_sub_org: 2,
        max_events_per_sub_org: null,
      });
      expect((await owner.patch(`/api/orgs/${resellerId}/clients/${clientId}`, { events_hard_limit: HARD + 2 })).status).toBe(200);
      await collect(['/l', '/m', '/n']);
      await settled(14);
      expect(await stored()).toBe(HARD + 2);
    });
  });
}
