import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_UA, startCollectServer, type CollectServer } from './helpers/collect';

let s: CollectServer;
beforeAll(async () => {
  s = await startCollectServer();
});
afterAll(async () => {
  await s?.cleanup();
});

const url = (path: string) => `https://www.example.com${path}`;
const uuid = () => crypto.randomUUID();

describe('POST /api/collect', () => {
  it('keeps the visitor of a beacon whose page closed right after sending it (the socket is gone before the event is stored)', async () => {
    const tag = uuid();
    const send = (name: string) => ({
      site_id: s.site.tracking_id,
      events: [{ event_id: uuid(), name, properties: { url: url(`/closing?t=${tag}`) } }],
    });
    expect((await s.collect(send('page_view'))).status).toBe(202);
    // Like sendBeacon from a closing tab: the whole request is written, then the connection is torn down at once.
    const body = JSON.stringify(send('page_exit'));
    const port = Number(new URL(s.url).port);
    await new Promise<void>((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end(
          `POST /api/collect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain;charset=UTF-8\r\nOrigin: https://www.example.com\r\n` +
            `User-Agent: ${CHROME_UA}\r\nAccept-Language: en-US\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          () => {
            sock.destroy();
            resolve();
          },
        );
      });
      sock.on('error', reject);
    });
    let rows: Record<string, any>[] = [];
    for (let i = 0; i < 100 && rows.length < 2; i++) {
      rows = await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]);
      if (rows.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows.map((r) => r.name).sort()).toEqual(['page_exit', 'page_view']);
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1);
  });

  it('accepts a tracker batch (text/plain JSON), corrects the client clock and stores enriched events', async () => {
    const now = Date.now();
    const skew = 3 * 3_600_000; // the visitor's clock is three hours fast
    const tag = uuid();
    const res = await s.collect(
      {
        site_id: s.site.tracking_id,
        sent_at: now + skew,
        events: [
          {
            event_id: uuid(),
            name: 'page_view',
            timestamp: now + skew - 2000,
            properties: {
              url: url(`/pricing?utm_source=google&utm_medium=cpc&t=${tag}`),
              title: 'Pricing',
              referrer: 'https://www.google.com/search?q=x',
            },
            context: {
              screen_width: 390,
              screen_height: 844,
              viewport_width: 390,
              viewport_height: 700,
              timezone: 'Europe/London',
              language: 'en-GB',
            },
          },
          {
            event_id: uuid(),
            name: 'signup',
            timestamp: now + skew - 1000,
            properties: { url: url(`/pricing?t=${tag}`), plan: 'pro', seats: 3 },
          },
        ],
      },
      { 'x-forwarded-for': '81.2.69.142' },
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, events_received: 2, aid: expect.stringMatching(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/) });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    const after = Date.now();
    const rows = await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]);
    expect(rows.map((r) => r.name)).toEqual(['page_view', 'signup']);
    const [pv, signup] = rows;
    const ts = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));
    expect(ts(pv.ts)).toBeGreaterThanOrEqual(now - 2000);
    expect(ts(pv.ts)).toBeLessThanOrEqual(after);
    expect(ts(signup.ts) - ts(pv.ts)).toBe(1000);
    expect(pv).toMatchObject({
      host: 'www.example.com',
      path: '/pricing',
      title: 'Pricing',
      referrer_domain: 'google.com',
      source: 'google',
      utm_medium: 'cpc',
      channel: 'Paid Search',
      country: 'GB',
      browser: 'Chrome',
      os: 'Windows',
      device_type: 'desktop',
      screen_w: 390,
      language: 'en-GB',
      timezone: 'Europe/London',
    });
    expect(pv.visitor_id).toMatch(/^[0-9a-f]{32}$/);
    expect(signup.visitor_id).toBe(pv.visitor_id);
    expect(signup.session_id).toBe(pv.session_id);
    const props = typeof signup.props === 'string' ? JSON.parse(signup.props) : signup.props;
    expect(props).toEqual({ plan: 'pro', seats: '3' });
  });

  it('asks for client hints and reads the device type from them and from the tracker report', async () => {
    const tag = uuid();
    const event = (path: string, context?: Record<string, unknown>) => ({
      event_id: uuid(),
      name: 'page_view',
      properties: { url: url(`${path}?t=${tag}`) },
      context,
    });
    // Chrome on a Galaxy Tab: a reduced user agent, the tablet named by its client hints.
    const tab = await s.collect(
      { site_id: s.site.tracking_id, events: [event('/tab')] },
      {
        'user-agent': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
        'sec-ch-ua-mobile': '?0',
        'sec-ch-ua-platform': '"Android"',
        'sec-ch-ua-model': '"SM-X710"',
      },
    );
    expect(tab.status).toBe(202);
    expect(tab.headers.get('accept-ch')).toBe('Sec-CH-UA-Mobile, Sec-CH-UA-Platform, Sec-CH-UA-Model');
    expect(tab.headers.get('critical-ch')).toBeNull();
    // An iPad asking for the desktop site: a Mac's user agent, told apart by the tracker's touch points.
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
    const ipad = await s.collect(
      {
        site_id: s.site.tracking_id,
        events: [
          event('/ipad', { screen_width: 1180, screen_height: 820, touch: 5 }),
          event('/mac', { screen_width: 1512, screen_height: 982, touch: 0 }),
        ],
      },
      { 'user-agent': mac },
    );
    expect(ipad.status).toBe(202);
    // Malformed hints are ignored, not an error.
    const odd = await s.collect(
      { site_id: s.site.tracking_id, events: [event('/odd')] },
      { 'sec-ch-ua-mobile': 'yes', 'sec-ch-ua-platform': 'Android' },
    );
    expect(odd.status).toBe(202);
    const rows = await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]);
    const by = Object.fromEntries(rows.map((r) => [r.path, `${r.device_type} ${r.os} ${r.browser}`]));
    expect(by).toEqual({
      '/ipad': 'tablet iPadOS Safari',
      '/mac': 'desktop macOS Safari',
      '/odd': 'desktop Windows Chrome',
      '/tab': 'tablet Android Chrome',
    });
    const script = await fetch(`${s.url}/t.js`);
    expect(script.headers.get('accept-ch')).toBe('Sec-CH-UA-Mobile, Sec-CH-UA-Platform, Sec-CH-UA-Model');
  });

  it('drops clients that are no browser, and attack probes in the User-Agent, as bots', async () => {
    const tag = uuid();
    for (const ua of ['curl/8.4.0', 'Go-http-client/1.1', "' OR '1'='1", '\u0024{jndi:ldap://203.0.113.5/a}']) {
      const res = await s.collect(
        { site_id: s.site.tracking_id, events: [{ event_id: uuid(), name: 'page_view', properties: { url: url(`/x?t=${tag}`) } }] },
        { 'user-agent': ua },
      );
      expect(res.status, ua).toBe(202);
      expect(res.body, ua).toEqual({ success: true, events_received: 0, events_rejected: 1 });
    }
    expect(await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`])).toEqual([]);
  });

  it('never stores the IP, in events or raw payloads', async () => {
    const ip = '203.0.113.77';
    const tag = uuid();
    const res = await s.collect(
      { site_id: s.site.tracking_id, events: [{ name: 'page_view', properties: { url: url(`/?t=${tag}`), ip, ip_address: ip } }] },
      { 'x-forwarded-for': ip },
    );
    expect(res.status).toBe(202);
    const rows = await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(ip);
    const raw = await s.ctx.events.query<{ body: string }>('SELECT body FROM raw_payloads WHERE site_id = ? AND body LIKE ?', [
      s.site.id,
      `%${tag}%`,
    ]);
    expect(raw).toHaveLength(1);
    expect(raw[0].body).not.toContain(ip);
  });

  it('takes the site from X-Site-ID with a JSON content type too', async () => {
    const tag = uuid();
    const res = await s.request(
      'POST',
      '/api/collect',
      { events: [{ name: 'page_view', properties: { url: url(`/h?t=${tag}`) } }] },
      { 'content-type': 'application/json', 'x-site-id': s.site.tracking_id },
    );
    expect(res.status).toBe(202);
    expect(await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`])).toHaveLength(1);
  });

  it('stores an event once when the tracker retries it with the same event_id', async () => {
    const id = uuid();
    const body = { site_id: s.site.tracking_id, events: [{ event_id: id, name: 'retry_me', properties: { url: url('/') } }] };
    expect((await s.collect(body)).status).toBe(202);
    expect((await s.collect(body)).status).toBe(202);
    const rows = await s.events(s.site, 'AND event_id = ?', [id]);
    expect(rows).toHaveLength(1);
  });

  it("answers CORS only for the site's hosts and refuses other origins", async () => {
    const pre = await s.request('OPTIONS', '/api/collect', undefined, {
      origin: 'https://shop.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const ok = await s.collect(
      { site_id: s.site.tracking_id, events: [{ name: 'page_view', properties: { url: 'https://example-preview.net/' } }] },
      { origin: 'https://example-preview.net' },
    );
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://example-preview.net');
    const evil = await s.collect(
      { site_id: s.site.tracking_id, events: [{ name: 'page_view', properties: { url: url('/') } }] },
      { origin: 'https://evil.example.org' },
    );
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('origin_not_allowed');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // A page URL on a foreign host is dropped even without an Origin header.
    const foreign = await s.collect(
      { site_id: s.site.tracking_id, events: [{ name: 'page_view', properties: { url: 'https://copycat.io/' } }] },
      { origin: '' },
    );
    expect(foreign.status).toBe(202);
    expect(foreign.body).toMatchObject({ events_received: 0, events_rejected: 1 });
  });

  it('answers malformed, oversized and misaddressed requests with 4xx JSON errors', async () => {
    const cases: Array<[string, Awaited<ReturnType<CollectServer['collect']>>, number, string]> = [
      ['bad json', await s.collect('{"events": ['), 400, 'invalid_json'],
      ['not an object', await s.collect('[1,2]'), 400, 'invalid_json'],
      ['empty', await s.collect(''), 400, 'invalid_json'],
      ['events not an array', await s.collect({ site_id: s.site.tracking_id, events: 'x' }), 400, 'validation_error'],
      ['no site', await s.collect({ events: [{ name: 'a' }] }), 400, 'missing_site'],
      ['unknown site', await s.collect({ site_id: 'TM-NOPE', events: [{ name: 'a' }] }), 404, 'unknown_site'],
      [
        'too many events',
        await s.collect({ site_id: s.site.tracking_id, events: Array.from({ length: 501 }, () => ({ name: 'a' })) }),
        413,
        'too_many_events',
      ],
      [
        'body over 1 MB',
        await s.collect({ site_id: s.site.tracking_id, events: [{ name: 'a', properties: { x: 'y'.repeat(1024 * 1024) } }] }),
        413,
        'payload_too_large',
      ],
      [
        'every event invalid',
        await s.collect({ site_id: s.site.tracking_id, events: [{ name: 12 }, { name: 'x', event_id: 'nope' }] }),
        400,
        'invalid_event',
      ],
    ];
    for (const [label, res, status, code] of cases) {
      expect([label, res.status, res.body?.success, res.body?.error?.code]).toEqual([label, status, false, code]);
    }
  });

  it('counts bots, privacy signals and invalid events as drops, visible through the API with the quarantine', async () => {
    const ev = () => ({ name: 'page_view', properties: { url: url('/drops') } });
    expect(
      (
        await s.collect(
          { site_id: s.site.tracking_id, events: [ev(), ev()] },
          { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
        )
      ).status,
    ).toBe(202);
    expect(
      (
        await s.collect(
          { site_id: s.site.tracking_id, events: [ev()] },
          { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36' },
        )
      ).status,
    ).toBe(202);
    expect((await s.collect({ site_id: s.site.tracking_id, events: [ev()] }, { dnt: '1' })).status).toBe(202);
    expect((await s.collect({ site_id: s.site.tracking_id, events: [ev()] }, { 'sec-gpc': '1' })).status).toBe(202);
    const mixed = await s.collect({
      site_id: s.site.tracking_id,
      events: [ev(), { name: 'n'.repeat(121), properties: { url: url('/') } }],
    });
    expect(mixed.body).toEqual({ success: true, events_received: 1, events_rejected: 1, aid: expect.any(String) });

    const auth = { authorization: `Bearer ${s.keys.read}` };
    const drops = await s.request('GET', `/api/sites/${s.site.id}/ingest/drops`, undefined, auth);
    expect(drops.status, drops.text).toBe(200);
    expect(drops.body.totals.bot).toBeGreaterThanOrEqual(3);
    expect(drops.body.totals.dnt).toBeGreaterThanOrEqual(1);
    expect(drops.body.totals.gpc).toBeGreaterThanOrEqual(1);
    expect(drops.body.totals.name_too_long).toBeGreaterThanOrEqual(1);
    expect(drops.body.totals.host_not_allowed).toBeGreaterThanOrEqual(1);
    expect(drops.body.drops.find((d: any) => d.reason === 'name_too_long').kind).toBe('invalid');

    const q = await s.request('GET', `/api/sites/${s.site.id}/ingest/quarantine?limit=50`, undefined, auth);
    expect(q.status).toBe(200);
    const tooLong = q.body.events.find((e: any) => e.reason === 'name_too_long');
    expect(tooLong.contract).toBe('insighthub.collect');
    expect(tooLong.errors[0].path).toBe('name');
    expect(tooLong.payload.name).toHaveLength(121);

    // Another organization's key sees neither.
    const foreign = await s.request('GET', `/api/sites/${s.site.id}/ingest/drops`, undefined, {
      authorization: `Bearer ${s.keys.otherOrg}`,
    });
    expect(foreign.status).toBe(404);
    expect((await s.request('GET', `/api/sites/${s.site.id}/ingest/quarantine`)).status).toBe(401);
    expect((await s.request('GET', `/api/sites/${s.site.id}/ingest/drops?from=2025-13-01`, undefined, auth)).status).toBe(400);
  });

  it('refuses stale browser events (older than an hour after correction) into the quarantine', async () => {
    const now = Date.now();
    const res = await s.collect({
      site_id: s.site.tracking_id,
      sent_at: now,
      events: [
        { name: 'late', timestamp: now - 2 * 3_600_000, properties: { url: url('/') } },
        { name: 'fresh', timestamp: now - 1000, properties: { url: url('/') } },
      ],
    });
    expect(res.body).toEqual({ success: true, events_received: 1, events_rejected: 1, aid: expect.any(String) });
  });
});

describe('POST /api/collect/heatmap', () => {
  it('stores clicks and scrolls as heatmap events', async () => {
    const tag = uuid();
    const res = await s.request(
      'POST',
      '/api/collect/heatmap',
      {
        site_id: s.site.tracking_id,
        page_url: url(`/hm?t=${tag}`),
        viewport: { width: 1920, height: 1080 },
        page_height: 3500,
        events: [
          { type: 'click', x: 500, y: 300, element: 'button.cta' },
          { type: 'scroll', depth: 75 },
        ],
      },
      { 'content-type': 'text/plain', origin: 'https://example.com' },
    );
    expect(res.status).toBe(202);
    expect(res.body.events_received).toBe(2);
    const rows = await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]);
    const click = rows.find((r) => r.name === 'heatmap_click');
    const scroll = rows.find((r) => r.name === 'heatmap_scroll');
    expect([click?.x, click?.y, click?.selector, click?.viewport_w]).toEqual([500, 300, 'button.cta', 1920]);
    expect(scroll?.scroll_depth).toBe(75);
  });
});

describe('MetricPal contracts with X-API-Key', () => {
  const json = { 'content-type': 'application/json' };

  it('GET /api/v1/collect/health', async () => {
    const res = await s.request('GET', '/api/v1/collect/health');
    expect([res.status, res.body]).toEqual([200, { status: 'healthy', service: 'collect' }]);
  });

  it('authenticates with a write key: 401 without or with a bad one, 403 read-only or out of scope', async () => {
    const body = { events: [{ event_type: 'page_view', session_id: 's', properties: { url: 'https://example.com' } }] };
    expect((await s.request('POST', '/api/v1/collect', body, json)).status).toBe(401);
    expect((await s.request('POST', '/api/v1/collect', body, { ...json, 'x-api-key': 'invalid-key' })).status).toBe(401);
    expect((await s.request('POST', '/api/v1/collect', body, { ...json, 'x-api-key': s.keys.read })).status).toBe(403);
    expect(
      (await s.request('POST', '/api/v1/collect', { ...body, site_id: s.otherSite.id }, { ...json, 'x-api-key': s.keys.orgWide })).status,
    ).toBe(403);
    expect((await s.request('POST', '/api/v1/collect', body, { ...json, 'x-api-key': s.keys.orgWide })).body.error.code).toBe(
      'site_required',
    );
    expect(
      (await s.request('POST', '/api/v1/collect', { ...body, site_id: s.site.tracking_id }, { ...json, 'x-api-key': s.keys.orgWide }))
        .status,
    ).toBe(200);
  });

  it('/api/v1/collect: historical times kept, user_id is the visitor, action names mapped; future times refused', async () => {
    const session = `session-${uuid()}`;
    const past = '2024-03-01T10:00:00Z';
    const res = await s.request(
      'POST',
      '/api/v1/collect',
      {
        events: [
          {
            event_type: 'page_view',
            timestamp: past,
            session_id: session,
            user_id: 'visitor_456',
            properties: {
              url: 'https://example.com/docs?utm_source=newsletter&utm_medium=email',
              user_agent:
                'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
            },
          },
          {
            event_type: 'custom',
            timestamp: '2024-03-01T10:00:05Z',
            session_id: session,
            user_id: 'visitor_456',
            properties: { event_name: 'button_clicked', button_name: 'hero_cta' },
          },
          {
            event_type: 'scroll',
            timestamp: '2024-03-01T10:00:06Z',
            session_id: session,
            user_id: 'visitor_456',
            properties: { scroll_depth: 50 },
          },
          {
            event_type: 'page_view',
            timestamp: new Date(Date.now() + 86_400_000).toISOString(),
            session_id: session,
            user_id: 'visitor_456',
            properties: { url: 'https://example.com/' },
          },
        ],
      },
      { ...json, 'x-api-key': s.keys.write, 'user-agent': 'python-requests/2.31.0' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', events_processed: 3, events_rejected: 1 });
    const rows = await s.events(s.site, 'AND session_id = ?', [session]);
    expect(rows.map((r) => r.name)).toEqual(['page_view', 'button_clicked', 'scroll_depth']);
    const ts = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));
    expect(ts(rows[0].ts)).toBe(Date.parse(past));
    expect(rows.every((r) => r.visitor_id === 'visitor_456')).toBe(true);
    expect(rows[0]).toMatchObject({ channel: 'Email', utm_source: 'newsletter', os: 'iOS', device_type: 'mobile' });
    expect(rows[2].scroll_depth).toBe(50);
  });

  it('/api/v1/collect/optimized maps the action log; the API key in the body never reaches the raw store', async () => {
    const session = `session-${uuid()}`;
    const res = await s.request(
      'POST',
      '/api/v1/collect/optimized',
      {
        customerObject: { apiKey: s.keys.write, website: 'example.com' },
        userObject: { uuid: 'visitor_789', sessionData: { id: session } },
        actionLog: [
          { timestamp: new Date(Date.now() - 60_000).toISOString(), action_type: 'enter-page', url: 'https://example.com/' },
          {
            timestamp: new Date(Date.now() - 30_000).toISOString(),
            action_type: 'onclick',
            url: 'https://example.com/',
            element: 'BUTTON#cta',
            text: 'Buy',
          },
          { timestamp: new Date(Date.now() - 10_000).toISOString(), action_type: 'end-session', url: 'https://example.com/' },
        ],
      },
      json,
    );
    expect(res.status).toBe(200);
    expect(res.body.events_processed).toBe(3);
    const rows = await s.events(s.site, 'AND session_id = ?', [session]);
    expect(rows.map((r) => r.name)).toEqual(['page_view', 'click', 'session_end']);
    const raw = await s.ctx.events.query<{ body: string }>('SELECT body FROM raw_payloads WHERE site_id = ? AND body LIKE ?', [
      s.site.id,
      `%${session}%`,
    ]);
    expect(raw).toHaveLength(1);
    expect(raw[0].body).not.toContain(s.keys.write);
  });
});
