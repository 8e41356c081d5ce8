import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tidemark/core';
import { startTestServer } from '../../server/test/helpers/server';
import { generateTraffic, userAgentFor } from '../src/index';

/**
 * Generated events are meant to look exactly like collected ones. Send a sample through the real
 * collector (tracker wire format, each event with its own User-Agent) and compare what the server
 * derives — source, channel, referrer domain, UTM tags, browser, OS, device — with what the
 * generator wrote.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>;

const HOST = 'roundtrip.example';

function wire(e: CanonicalEvent) {
  const properties: Record<string, string | number> = { url: e.url, path: e.path, title: e.title, referrer: e.referrer };
  for (const k of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const) if (e[k]) properties[k] = e[k];
  if (e.scroll_depth !== null) properties.scroll_depth = e.scroll_depth;
  if (e.engaged_ms !== null) properties.engaged_ms = e.engaged_ms;
  return {
    event_id: e.event_id,
    name: e.name,
    timestamp: e.ts,
    properties,
    context: {
      screen_width: e.screen_w,
      screen_height: e.screen_h,
      viewport_width: e.viewport_w,
      viewport_height: e.viewport_h,
      timezone: e.timezone,
      language: e.language,
    },
  };
}

describe('generated traffic through the collector', () => {
  let s: Server;
  let trackingId = '';
  let siteId = '';

  beforeAll(async () => {
    s = await startTestServer({ trustedProxies: ['127.0.0.1'] });
    const org = await s.ctx.meta.orgs.create('Roundtrip');
    const site = await s.ctx.meta.sites.create(org.id, { name: 'Roundtrip', domain: HOST });
    trackingId = site.tracking_id;
    siteId = site.id;
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it('comes back with the same acquisition and device fields', async () => {
    // Landing-page events carry the acquisition; take a varied sample of them plus some later pages.
    const all = [...generateTraffic({ siteId: 'x', days: 2, end: Date.now(), seed: 'roundtrip', visitorsPerDay: 400, host: HOST })].filter(
      (e) => e.name === 'page_view',
    );
    const sample = all.filter((_, i) => i % 7 === 0).slice(0, 150);
    expect(new Set(sample.map((e) => e.channel)).size).toBeGreaterThanOrEqual(5);
    let n = 0;
    for (const e of sample) {
      const res = await fetch(`${s.url}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          origin: `https://${HOST}`,
          'user-agent': userAgentFor(e),
          'x-forwarded-for': `81.2.${n >> 8}.${n++ & 255 || 1}`,
        },
        body: JSON.stringify({ site_id: trackingId, sent_at: e.ts + 100, events: [wire(e)] }),
      });
      expect(res.status, await res.text()).toBe(202);
    }
    const rows = await s.ctx.events.query<Record<string, string>>(
      `SELECT CAST(event_id AS VARCHAR) AS event_id, source, channel, referrer_domain, utm_source, utm_medium, utm_campaign,
              browser, browser_version, os, os_version, device_type, path, title FROM events WHERE site_id = ?`,
      [siteId],
    );
    expect(rows.length).toBe(sample.length);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    const fields = [
      'source',
      'channel',
      'referrer_domain',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'browser',
      'browser_version',
      'os',
      'os_version',
      'device_type',
      'path',
      'title',
    ] as const;
    for (const e of sample) {
      const got = byId.get(e.event_id)!;
      expect(got, e.event_id).toBeDefined();
      const want = Object.fromEntries(fields.map((f) => [f, e[f]]));
      const have = Object.fromEntries(fields.map((f) => [f, got[f]]));
      expect(have, `${e.referrer} ${e.url} ${userAgentFor(e)}`).toEqual(want);
    }
  });
});
