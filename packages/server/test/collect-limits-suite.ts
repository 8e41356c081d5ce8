// What hostile collection can cost (issue 24, "disk filling through the collector"): rate limits,
// prefixes of rejected bodies, the quarantine's daily cap. One suite, run per engine and collector
// (collect-limits.test.ts: DuckDB with and without the collector thread; scaleout-collect-limits.test.ts:
// ClickHouse, directly and through Redis).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/index';
import { dropCountsSchema, quarantinePageSchema } from '../src/http/routes/collect-drops';
import { CHROME_UA, jsonOrNull } from './helpers/collect';
import { startTestServer } from './helpers/server';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** The limits under test: small, so a few requests reach them. */
export const SUITE_LIMITS: Pick<Config, 'collectLimits' | 'quarantinePerSiteDay'> = {
  collectLimits: { perAddress: 5, perSite: 12, perKey: 5 },
  quarantinePerSiteDay: 5,
};

/** Retries `check` until it passes: at scale a 2xx/400 means the batch is in the stream, written shortly after. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let addressSeq = 0;
/** A client address of its own per test (loopback is a trusted proxy, so X-Forwarded-For names it). */
const nextAddress = () => `198.51.100.${++addressSeq}`;

/** `expected`: the collector and counters the configuration must have chosen (the suite checks it runs where it says). */
export function collectLimitsSuite(
  label: string,
  overrides: () => Partial<Config>,
  expected: { collector: 'Collector' | 'ThreadCollector'; counters: 'memory' | 'redis' },
): void {
  describe(`collection limits (${label})`, () => {
    let s: TestServer;
    let orgId: string;

    beforeAll(async () => {
      s = await startTestServer({ trustedProxies: ['127.0.0.1'], ...SUITE_LIMITS, ...overrides() });
      // Counters live in Redis exactly when the server runs scale-out (it has a Redis to check).
      expect([s.ctx.collector.constructor.name, 'redis' in s.ctx.health ? 'redis' : 'memory']).toEqual([
        expected.collector,
        expected.counters,
      ]);
      orgId = (await s.ctx.meta.orgs.create('Limits Org')).id;
    }, 60_000);
    afterAll(async () => {
      await s?.cleanup();
    });

    async function newSite() {
      const site = await s.ctx.meta.sites.create(orgId, { name: 'Limits', domain: 'limits.example' });
      const key = async (permissions: Array<'read' | 'write'>) =>
        (await s.ctx.meta.apiKeys.create({ orgId, siteId: site.id, name: 'k', permissions, rateLimitPerMin: 100_000, createdBy: null }))
          .rawKey;
      return { site, read: await key(['read']), write: await key(['write']) };
    }

    async function post(path: string, body: unknown, headers: Record<string, string>) {
      const res = await fetch(s.url + path, {
        method: 'POST',
        headers: { 'user-agent': CHROME_UA, 'accept-language': 'en-US', 'content-type': 'text/plain;charset=UTF-8', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const json = jsonOrNull(text);
      return {
        status: res.status,
        body: json,
        retryAfter: res.headers.get('retry-after'),
        allowOrigin: res.headers.get('access-control-allow-origin'),
      };
    }

    const page = (path = '/') => ({ name: 'page_view', properties: { url: `https://limits.example${path}` } });
    const browser = (trackingId: string, events: unknown[], address: string) =>
      post('/api/collect', { site_id: trackingId, events }, { 'x-forwarded-for': address, origin: 'https://limits.example' });
    const server = (key: string, events: unknown[], address: string) =>
      post('/api/v1/collect', { events }, { 'x-api-key': key, 'x-forwarded-for': address, 'content-type': 'application/json' });
    const serverEvent = (i: number) => ({
      event_type: 'page_view',
      timestamp: new Date().toISOString(),
      user_id: `u${i}`,
      properties: { url: 'https://limits.example/api' },
    });

    async function api(path: string, key: string) {
      const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as any;
    }
    const dropTotals = async (siteId: string, key: string) =>
      dropCountsSchema.parse(await api(`/api/sites/${siteId}/ingest/drops`, key)).totals;
    const quarantine = async (siteId: string, key: string) =>
      quarantinePageSchema.parse(await api(`/api/sites/${siteId}/ingest/quarantine`, key)) as any;
    const stored = async (siteId: string) =>
      (await s.ctx.events.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', [siteId]))[0]!.n;
    const rawRows = (siteId: string) =>
      s.ctx.events.query<{ body: string; original_bytes: number }>(
        'SELECT body, original_bytes FROM raw_payloads WHERE site_id = ? ORDER BY received_at, body',
        [siteId],
      );

    it('answers 429 with Retry-After past the per-address budget, counting the refused events as rate_limited', async () => {
      const { site, read } = await newSite();
      const address = nextAddress();
      for (let i = 0; i < 5; i++) expect((await browser(site.tracking_id, [page(`/a${i}`)], address)).status).toBe(202);
      const refused = await browser(site.tracking_id, [page('/over'), page('/over2')], address);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ success: false, error: { code: 'rate_limited' } });
      const retryAfter = Number(refused.retryAfter);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      // Like any answer to one of the site's pages, it carries the site's CORS headers.
      expect(refused.allowOrigin).toBe('https://limits.example');
      // Another address is not held up by this one.
      expect((await browser(site.tracking_id, [page('/b')], nextAddress())).status).toBe(202);
      await eventually(async () => {
        expect(await stored(site.id)).toBe(6);
        expect((await dropTotals(site.id, read)).rate_limited).toBe(2);
      });
    });

    it('answers 429 past the per-site event budget, whatever the address; other sites go on', async () => {
      const { site, read } = await newSite();
      const four = () => [page('/1'), page('/2'), page('/3'), page('/4')];
      expect((await browser(site.tracking_id, four(), nextAddress())).status).toBe(202);
      expect((await browser(site.tracking_id, four(), nextAddress())).status).toBe(202);
      expect((await browser(site.tracking_id, four(), nextAddress())).status).toBe(202); // 12 events: the budget exactly
      const refused = await browser(site.tracking_id, [page('/5')], nextAddress());
      expect([refused.status, refused.body?.error?.code]).toEqual([429, 'rate_limited']);
      expect(refused.retryAfter).toMatch(/^\d+$/);
      const other = await newSite();
      expect((await browser(other.site.tracking_id, four(), nextAddress())).status).toBe(202);
      await eventually(async () => {
        expect(await stored(site.id)).toBe(12);
        expect((await dropTotals(site.id, read)).rate_limited).toBe(1);
      });
    });

    it('limits server-side ingestion per key and site, never per address', async () => {
      const { site, read, write } = await newSite();
      const address = nextAddress();
      // More requests from one address than the per-address budget (5): single events pass.
      for (let i = 0; i < 5; i++) expect((await server(write, [serverEvent(i)], address)).status).toBe(200);
      const refused = await server(write, [serverEvent(9), serverEvent(10)], address);
      expect([refused.status, refused.body?.error?.code]).toEqual([429, 'rate_limited']);
      expect(refused.retryAfter).toMatch(/^\d+$/);
      // The key's budget is its own: browser collection for the site from that very address goes on.
      expect((await browser(site.tracking_id, [page('/c')], address)).status).toBe(202);
      await eventually(async () => {
        expect(await stored(site.id)).toBe(6);
        expect((await dropTotals(site.id, read)).rate_limited).toBe(2);
      });
    });

    it('keeps only a marked prefix of a rejected body and of each quarantined payload', async () => {
      const { site, read } = await newSite();
      // Three events, each invalid (a property value over 2000 bytes) and ~60 KB.
      const big = (i: number) => ({ name: 'page_view', properties: { url: 'https://limits.example/', junk: `${i}`.repeat(60_000) } });
      const body = JSON.stringify({ site_id: site.tracking_id, events: [big(1), big(2), big(3)] });
      const res = await browser(site.tracking_id, JSON.parse(body).events, nextAddress());
      expect([res.status, res.body?.error?.code]).toEqual([400, 'invalid_event']);
      // An accepted body is kept whole.
      const ok = { site_id: site.tracking_id, events: [page('/whole')] };
      expect((await post('/api/collect', ok, { 'x-forwarded-for': nextAddress(), origin: 'https://limits.example' })).status).toBe(202);

      const rows = await eventually(async () => {
        const r = await rawRows(site.id);
        expect(r).toHaveLength(2);
        return r;
      });
      const [rejected, whole] = [rows.find((r) => r.original_bytes > 0)!, rows.find((r) => r.original_bytes === 0)!];
      expect(rejected.original_bytes).toBe(Buffer.byteLength(body));
      expect(Buffer.byteLength(rejected.body)).toBeLessThanOrEqual(4096);
      expect(Buffer.byteLength(rejected.body)).toBeGreaterThan(4000);
      expect(body.startsWith(rejected.body)).toBe(true);
      expect(JSON.parse(whole.body)).toEqual(ok);

      const q = await eventually(async () => {
        const r = await quarantine(site.id, read);
        expect(r.events).toHaveLength(3);
        return r;
      });
      for (const e of q.events) {
        expect(e.reason).toBe('prop_value_too_long');
        expect(e.payload_truncated).toBe(true);
        expect(typeof e.payload).toBe('string');
        expect(Buffer.byteLength(e.payload)).toBeLessThanOrEqual(4096);
        expect(Buffer.byteLength(e.payload)).toBeGreaterThan(4000);
        const i = Number(e.payload.match(/"junk":"(\d)/)[1]);
        expect(e.payload_bytes).toBe(Buffer.byteLength(JSON.stringify(big(i))));
        expect(JSON.stringify(big(i)).startsWith(e.payload)).toBe(true);
      }
    });

    it('caps the quarantine per site and UTC day, counting the rest as quarantine_full', async () => {
      const { site, read } = await newSite();
      const address = nextAddress();
      const invalid = (i: number) => ({ name: i, properties: { url: 'https://limits.example/' } });
      for (let r = 0; r < 3; r++) {
        const res = await browser(site.tracking_id, [invalid(r * 3), invalid(r * 3 + 1), invalid(r * 3 + 2)], address);
        expect([res.status, res.body?.error?.code]).toEqual([400, 'invalid_event']);
      }
      await eventually(async () => {
        const q = await quarantine(site.id, read);
        expect(q.events).toHaveLength(5);
        const totals = await dropTotals(site.id, read);
        expect([totals.invalid_event, totals.quarantine_full]).toEqual([5, 4]);
        // The third request kept nothing in the quarantine: its raw body is not kept either.
        expect(await rawRows(site.id)).toHaveLength(2);
      });
      // Another site has its own quarantine.
      const other = await newSite();
      expect((await browser(other.site.tracking_id, [invalid(0)], nextAddress())).status).toBe(400);
      await eventually(async () => expect((await quarantine(other.site.id, other.read)).events).toHaveLength(1));
    });

    it('refuses a body over the body limit with 413 and stores nothing of it', async () => {
      const { site, read, write } = await newSite();
      const res = await browser(
        site.tracking_id,
        [{ name: 'page_view', properties: { url: 'https://limits.example/', x: 'y'.repeat(1024 * 1024) } }],
        nextAddress(),
      );
      expect([res.status, res.body?.error?.code]).toEqual([413, 'payload_too_large']);
      // Server-side collection has the same bound.
      const huge = { ...serverEvent(1), properties: { url: 'https://limits.example/', x: 'y'.repeat(1024 * 1024) } };
      const v1 = await server(write, [huge], nextAddress());
      expect([v1.status, v1.body?.error?.code]).toEqual([413, 'payload_too_large']);
      // A later request of the same site is stored: the refused one left nothing behind it.
      expect((await browser(site.tracking_id, [page('/after')], nextAddress())).status).toBe(202);
      await eventually(async () => {
        expect(await stored(site.id)).toBe(1);
        expect(await rawRows(site.id)).toHaveLength(1);
      });
      expect((await quarantine(site.id, read)).events).toEqual([]);
    });

    it('stores a few MB at most of a flood of large invalid bodies, with the default limits', async () => {
      // The finding as reported: a hundred ~180 KB bodies of invalid events to a valid tracking id, from one
      // address. Under the default limits nothing is throttled, so this is the storage bound alone.
      const d = await startTestServer({ trustedProxies: ['127.0.0.1'], ...overrides() });
      try {
        const org = await d.ctx.meta.orgs.create('Flood Org');
        const site = await d.ctx.meta.sites.create(org.id, { name: 'Flood', domain: 'flood.example' });
        const invalid = (i: number) => ({
          name: 'page_view',
          timestamp: 'not a time',
          properties: { url: 'https://flood.example/', junk: `${i % 10}`.repeat(60_000) },
        });
        let sent = 0;
        for (let r = 0; r < 100; r++) {
          const body = JSON.stringify({ site_id: site.tracking_id, events: [invalid(r), invalid(r + 1), invalid(r + 2)] });
          sent += Buffer.byteLength(body);
          const res = await fetch(`${d.url}/api/collect`, {
            method: 'POST',
            headers: { 'user-agent': CHROME_UA, 'content-type': 'text/plain', 'x-forwarded-for': '203.0.113.77' },
            body,
          });
          expect(res.status).toBe(400);
        }
        const bytes = async (sql: string) => Number((await d.ctx.events.query<{ n: number }>(sql, [site.id]))[0]!.n);
        const stored = await eventually(async () => {
          expect(await bytes('SELECT count(*) AS n FROM quarantine WHERE site_id = ?')).toBe(300);
          expect(await bytes('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?')).toBe(100);
          return (
            (await bytes('SELECT sum(length(body)) AS n FROM raw_payloads WHERE site_id = ?')) +
            (await bytes('SELECT sum(length(payload)) AS n FROM quarantine WHERE site_id = ?'))
          );
        });
        expect(sent).toBeGreaterThan(18_000_000);
        // 100 raw prefixes and 300 payload prefixes of at most 4 KB: under 1.7 MB (of the 18 MB sent).
        expect(stored).toBeLessThanOrEqual(100 * 4096 + 300 * 4096);
        expect(stored).toBeGreaterThan(100 * 4000 + 300 * 4000);
      } finally {
        await d.cleanup();
      }
    }, 60_000);
  });
}
