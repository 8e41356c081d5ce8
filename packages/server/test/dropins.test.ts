import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Plausible from 'plausible-tracker';
import { Umami } from '@umami/node';
import { CHROME_UA, startCollectServer, type CollectServer } from './helpers/collect';
import { openJsdomPage, withCallback } from './helpers/dropin-clients';
import { TidemarkError } from '@tidemark/core';
import type { WriteBatch } from '../src/store';

/**
 * The drop-in collectors driven by the real client packages against a running server: Plausible's
 * `plausible-tracker` (XMLHttpRequest) and `@plausible-analytics/tracker` (fetch) under jsdom, and
 * `@umami/node` unchanged. Events must appear in stats with the names, pages, properties and visitors
 * sent (checked against counts computed here from what was sent), and a retry after a 503 must not
 * store anything twice. Runs on DuckDB here and on ClickHouse in scaleout-dropins.test.ts.
 */
let s: CollectServer;
beforeAll(async () => {
  s = await startCollectServer();
});
afterAll(async () => {
  await s?.cleanup();
});

const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

/** Stats through our own public API (the numbers the dashboard shows). */
async function ourQuery(body: Record<string, unknown>) {
  const r = await s.request(
    'POST',
    '/v1/query',
    { site_id: s.site.id, date_range: 'today', ...body },
    { authorization: `Bearer ${s.keys.read}`, 'content-type': 'application/json' },
  );
  expect(r.status, r.text).toBe(200);
  return r.body.rows as Array<Record<string, any>>;
}

describe('Plausible: POST /api/event', () => {
  it('answers 202 "ok" to a Plausible Events API request and stores the mapped event', async () => {
    const tag = crypto.randomUUID();
    const r = await s.request(
      'POST',
      '/api/event',
      {
        name: 'Signup',
        url: `https://www.example.com/pricing?t=${tag}`,
        domain: 'example.com',
        referrer: 'https://news.ycombinator.com/item?id=1',
        props: { plan: 'pro', seats: 3, nested: { x: 1 } },
        revenue: { amount: '19.90', currency: 'eur' },
      },
      { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
    );
    expect(r.status).toBe(202);
    expect(r.text).toBe('ok');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.headers.get('x-plausible-dropped')).toBeNull();
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length === 1,
    );
    expect(rows).toHaveLength(1);
    const e = rows[0]!;
    expect(e.name).toBe('Signup');
    expect(e.path).toBe('/pricing');
    expect(e.referrer_domain).toBe('news.ycombinator.com');
    const props =
      typeof e.props === 'string' ? JSON.parse(e.props) : Object.fromEntries(e.props instanceof Map ? e.props : Object.entries(e.props));
    expect(props).toEqual({ plan: 'pro', seats: '3' }); // lists and maps are dropped, as Plausible does
    expect(Number(e.revenue_amount)).toBeCloseTo(19.9);
    expect(e.revenue_currency).toBe('EUR');
  });

  it('maps engagement to time on page and scroll depth, keeps the fragment in hash mode, answers x-plausible-dropped for a bot', async () => {
    const tag = crypto.randomUUID();
    const headers = { 'content-type': 'text/plain', 'x-forwarded-for': '203.0.113.8', 'user-agent': FIREFOX_UA, 'accept-language': 'en' };
    const u = `https://example.com/app?t=${tag}#/settings`;
    expect((await s.request('POST', '/api/event', { n: 'pageview', u, d: 'example.com', h: 1 }, headers)).status).toBe(202);
    expect((await s.request('POST', '/api/event', { n: 'engagement', u, d: 'example.com', h: 1, sd: 64.4, e: 4200 }, headers)).status).toBe(
      202,
    );
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length === 2,
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.page_view.path).toBe('/app#/settings');
    expect(byName.page_exit.path).toBe('/app#/settings');
    expect(Number(byName.page_exit.scroll_depth)).toBe(64);
    expect(Number(byName.page_exit.engaged_ms)).toBe(4200);
    // Time on page and scroll depth of the page view come from its engagement event.
    const [onPage] = await ourQuery({ metrics: ['pageviews', 'avg_time', 'scroll_depth'], filters: [['is', 'page', ['/app#/settings']]] });
    expect(onPage).toEqual({ pageviews: 1, avg_time: 4, scroll_depth: 64 });
    const bot = await s.request(
      'POST',
      '/api/event',
      { n: 'pageview', u, d: 'example.com' },
      { ...headers, 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
    );
    expect(bot.status).toBe(202);
    expect(bot.headers.get('x-plausible-dropped')).toBe('1');
  });

  it('refuses what it cannot use with our JSON errors: no site, unknown domain, invalid event, other hosts', async () => {
    const j = { 'content-type': 'application/json' };
    const noSite = await s.request('POST', '/api/event', { n: 'pageview' }, j);
    expect(noSite.status).toBe(400);
    expect(noSite.body.error.code).toBe('missing_site');
    const unknown = await s.request('POST', '/api/event', { n: 'pageview', u: 'https://nobody.test/', d: 'nobody.test' }, j);
    expect(unknown.status).toBe(404);
    const invalid = await s.request('POST', '/api/event', { n: '', u: 'https://example.com/', d: 'example.com' }, j);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ success: false, error: { code: 'invalid_event' } });
    const badJson = await s.request('POST', '/api/event', '{"n":', j);
    expect(badJson.status).toBe(400);
    const foreignOrigin = await s.request(
      'POST',
      '/api/event',
      { n: 'pageview', u: 'https://example.com/', d: 'example.com' },
      { ...j, origin: 'https://evil.test' },
    );
    expect(foreignOrigin.status).toBe(403);
  });

  it('names a site by its domain for the earliest site only; a later site with the same domain is named by its tracking id', async () => {
    const org = await s.ctx.meta.orgs.create('Same Domain Later');
    const later = await s.ctx.meta.sites.create(org.id, { name: 'Copy', domain: 'example.com' });
    const tag = crypto.randomUUID();
    const send = (d: string) =>
      s.request(
        'POST',
        '/api/event',
        { n: 'pageview', u: `https://example.com/?t=${tag}`, d },
        { 'content-type': 'text/plain', 'x-forwarded-for': '198.51.100.9' },
      );
    expect((await send('example.com')).status).toBe(202);
    expect((await send(later.tracking_id)).status).toBe(202);
    const mine = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length === 1,
    );
    const theirs = await until(
      () => s.events(later, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length === 1,
    );
    expect(mine).toHaveLength(1);
    expect(theirs).toHaveLength(1);
  });

  it('plausible-tracker (option apiHost) under jsdom: pageviews, custom events with props, visitors', async () => {
    const tag = crypto.randomUUID();
    const visitors = [
      { ua: CHROME_UA, pages: ['/', '/pricing'], signup: true },
      { ua: FIREFOX_UA, pages: ['/docs'], signup: false },
      { ua: SAFARI_UA, pages: ['/pricing', '/docs', '/'], signup: true },
    ];
    for (const v of visitors) {
      for (const p of v.pages) {
        const page = openJsdomPage(`https://www.example.com${p}?t=${tag}`, v.ua, 'https://duckduckgo.com/');
        try {
          const tracker = Plausible({ domain: 'example.com', apiHost: s.url });
          await withCallback((done) => tracker.trackPageview({}, { callback: () => done() }));
          if (v.signup && p === '/pricing')
            await withCallback((done) => tracker.trackEvent('Signup', { props: { plan: 'pro', tag }, callback: () => done() }));
        } finally {
          page.close();
        }
      }
    }
    const sent = visitors.reduce((n, v) => n + v.pages.length + (v.signup ? 1 : 0), 0);
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length >= sent,
    );
    expect(rows).toHaveLength(sent);
    // Independent counts from what was sent.
    const expectedViews: Record<string, number> = {};
    for (const v of visitors) for (const p of v.pages) expectedViews[p] = (expectedViews[p] ?? 0) + 1;
    const views = await ourQuery({
      metrics: ['pageviews', 'visitors'],
      dimensions: ['page'],
      filters: [
        ['contains', 'referrer', ['duckduckgo']],
        ['is', 'event_name', ['page_view']],
      ],
    });
    const tagged = rows.filter((r) => r.name === 'page_view');
    expect(new Set(tagged.map((r) => r.visitor_id)).size).toBe(visitors.length);
    const stored = new Map<string, number>();
    for (const r of tagged) stored.set(r.path, (stored.get(r.path) ?? 0) + 1);
    expect(Object.fromEntries(stored)).toEqual(expectedViews);
    // Each visitor views a page once here, so a page's visitors equal its views.
    const fromStats = Object.fromEntries(views.map((r) => [r.page, [r.pageviews, r.visitors]]));
    expect(fromStats).toEqual(Object.fromEntries(Object.entries(expectedViews).map(([p, n]) => [p, [n, n]])));
    const signups = await ourQuery({
      metrics: ['events', 'visitors'],
      dimensions: ['props:tag'],
      filters: [
        ['is', 'event_name', ['Signup']],
        ['is', 'props:tag', [tag]],
      ],
    });
    expect(signups).toEqual([{ 'props:tag': tag, events: 2, visitors: 2 }]);
    const screens = rows.filter((r) => r.name === 'page_view').map((r) => Number(r.screen_w));
    expect(screens.every((w) => w === 1024)).toBe(true); // jsdom's innerWidth, sent as w
  });

  it('@plausible-analytics/tracker (option endpoint) under jsdom: automatic pageviews, SPA navigation with engagement, revenue, callback status', async () => {
    const tag = crypto.randomUUID();
    const page = openJsdomPage(`https://www.example.com/shop?t=${tag}`, SAFARI_UA);
    try {
      const { init, track } = page.loadModule<typeof import('@plausible-analytics/tracker')>('@plausible-analytics/tracker');
      init({ domain: 'example.com', endpoint: `${s.url}/api/event`, logging: false });
      const status = await withCallback<{ status?: number }>((done) =>
        track('Purchase', {
          props: { sku: 'A-1' },
          revenue: { amount: 42.5, currency: 'USD' },
          callback: (r) => done(r as { status?: number }),
        }),
      );
      expect(status).toEqual({ status: 202 });
      page.dom.window.history.pushState({}, '', `/checkout?t=${tag}`);
      await page.settled();
    } finally {
      page.close();
    }
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length >= 4,
    );
    const names = rows.map((r) => `${r.name} ${r.path}`).sort();
    expect(names).toEqual(['Purchase /shop', 'page_exit /shop', 'page_view /checkout', 'page_view /shop']);
    const purchase = rows.find((r) => r.name === 'Purchase')!;
    expect(Number(purchase.revenue_amount)).toBe(42.5);
    expect(purchase.revenue_currency).toBe('USD');
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(1);
  });
});

describe('Umami: POST /api/send and /api/batch', () => {
  it('@umami/node (option hostUrl), unchanged: pageviews, events with data, identify, visitors', async () => {
    const tag = crypto.randomUUID();
    const umami = new Umami({ websiteId: s.site.umami_website_id, hostUrl: s.url, userAgent: CHROME_UA });
    const pages = ['/', '/blog/a', '/blog/b', '/pricing'];
    for (const url of pages) {
      const res = await umami.track({
        url: `${url}?t=${tag}`,
        hostname: 'www.example.com',
        title: `Page ${url}`,
        referrer: 'https://www.google.com/',
        language: 'en-US',
        screen: '1440x900',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ cache: '', events_received: 1 });
    }
    expect((await umami.track('newsletter', { list: 'weekly', tag })).status).toBe(200);
    expect((await umami.track('newsletter', { list: 'monthly', tag })).status).toBe(200);
    expect((await umami.identify({ plan: 'team', tag })).status).toBe(200);
    const rows = await until(
      () => s.events(s.site, 'AND (url LIKE ? OR props LIKE ?)', [`%${tag}%`, `%${tag}%`]),
      (v) => v.length >= 7,
    );
    expect(rows).toHaveLength(7);
    const views = rows.filter((r) => r.name === 'page_view');
    expect(views.map((r) => r.path).sort()).toEqual([...pages].sort());
    expect(views[0]!.host).toBe('www.example.com');
    expect(Number(views[0]!.screen_w)).toBe(1440);
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1); // one server, one user agent: one visitor
    const stats = await ourQuery({
      metrics: ['events'],
      dimensions: ['props:list'],
      filters: [
        ['is', 'event_name', ['newsletter']],
        ['is', 'props:tag', [tag]],
      ],
    });
    expect(stats.sort((a, b) => a['props:list'].localeCompare(b['props:list']))).toEqual([
      { 'props:list': 'monthly', events: 1 },
      { 'props:list': 'weekly', events: 1 },
    ]);
    expect(rows.filter((r) => r.name === 'identify')).toHaveLength(1);
  });

  it('takes a batch, refuses items of another website and answers what Umami answers', async () => {
    const tag = crypto.randomUUID();
    const other = s.otherSite.umami_website_id;
    const item = (website: string, name?: string) => ({
      type: 'event',
      payload: { website, url: `/b?t=${tag}`, hostname: 'example.com', ...(name ? { name } : {}) },
    });
    const r = await s.request(
      'POST',
      '/api/batch',
      [item(s.site.umami_website_id), item(s.site.umami_website_id, 'clicked'), item(other)],
      { 'content-type': 'application/json' },
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ size: 3, processed: 2, errors: 1, cache: '' });
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length === 2,
    );
    expect(rows.map((x) => x.name).sort()).toEqual(['clicked', 'page_view']);
    expect(await s.events(s.otherSite, 'AND url LIKE ?', [`%${tag}%`])).toHaveLength(0);
    const bad = await s.request(
      'POST',
      '/api/send',
      { type: 'event', payload: { website: 'not-a-uuid' } },
      { 'content-type': 'application/json' },
    );
    expect(bad.status).toBe(400);
    const unknown = await s.request(
      'POST',
      '/api/send',
      { type: 'event', payload: { website: crypto.randomUUID() } },
      { 'content-type': 'application/json' },
    );
    expect(unknown.status).toBe(404);
    const badType = await s.request(
      'POST',
      '/api/send',
      { type: 'nope', payload: { website: s.site.umami_website_id } },
      { 'content-type': 'application/json' },
    );
    expect(badType.status).toBe(400);
    const pre = await s.request('OPTIONS', '/api/send', undefined, {
      origin: 'https://example.com',
      'access-control-request-headers': 'content-type,x-umami-cache',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-umami-cache/);
  });

  it('shows the website id on GET /api/sites/{id}, different for every site', async () => {
    const r = await s.request('GET', `/api/sites/${s.site.id}`, undefined, { authorization: `Bearer ${s.keys.read}` });
    expect(r.status).toBe(200);
    expect(r.body.umami_website_id).toBe(s.site.umami_website_id);
    expect(r.body.umami_website_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.site.umami_website_id).not.toBe(s.otherSite.umami_website_id);
  });
});

/**
 * A failure the client sees as a 503. With the group-commit writer in front of the store (embedded, or
 * ClickHouse without Redis) the store itself refuses writes (as with a full disk or an unreachable
 * ClickHouse) until the writer's retries run out; `afterWriting` lets each write through first, so the
 * events are durable but the answer is lost. Through the Redis stream the batch is handed to Redis and
 * the answer then replaced by the writer's 503.
 */
function failWrites(opts: { afterWriting: boolean }) {
  if (s.ctx.config.redisUrl) {
    const collector = s.ctx.collector;
    const admit = collector.admit.bind(collector);
    collector.admit = async (contract, raw) => {
      const admission = await admit(contract, raw);
      return {
        ...admission,
        fields: admission.fields,
        check: () => admission.check(),
        release: () => admission.release(),
        collect: async (req) => {
          if (opts.afterWriting) await admission.collect(req);
          throw new TidemarkError(503, 'write_failed', 'Events could not be stored; nothing was recorded, retry later');
        },
      };
    };
    return () => {
      collector.admit = admit;
    };
  }
  const store = s.ctx.events;
  const real = store.write.bind(store);
  store.write = async (batch: WriteBatch) => {
    if (opts.afterWriting) await real(batch); // durable, but the acknowledgement is lost
    throw new Error('injected storage fault');
  };
  return () => {
    store.write = real;
  };
}

/** Waits for the start of a dedupe window so a request and its retry fall in the same one. */
async function windowStart() {
  while (Date.now() % 10_000 > 1_000) await new Promise((r) => setTimeout(r, 100));
}

describe('retries after a 503 store nothing twice', () => {
  it('Plausible: the same event sent again after a 503 (whose write went through) is stored once', async () => {
    const tag = crypto.randomUUID();
    const body = { n: 'Download', u: `https://example.com/files?t=${tag}`, d: 'example.com', p: { file: 'a.pdf' } };
    const headers = { 'content-type': 'text/plain', 'x-forwarded-for': '192.0.2.44' };
    await windowStart();
    const restore = failWrites({ afterWriting: true });
    let first: Awaited<ReturnType<typeof s.request>>;
    try {
      first = await s.request('POST', '/api/event', body, headers);
    } finally {
      restore();
    }
    expect(first.status).toBe(503);
    expect((await s.request('POST', '/api/event', body, headers)).status).toBe(202);
    expect((await s.request('POST', '/api/event', body, headers)).status).toBe(202);
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length >= 1,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`])).toHaveLength(1);
    expect(rows[0]!.name).toBe('Download');
    // Another visitor sending the same event is another event.
    expect((await s.request('POST', '/api/event', body, { ...headers, 'x-forwarded-for': '192.0.2.45' })).status).toBe(202);
    expect(
      await until(
        () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
        (v) => v.length === 2,
      ),
    ).toHaveLength(2);
  });

  it('Umami: @umami/node sending again after a 503 stores once; with a timestamp, at any later time', async () => {
    const tag = crypto.randomUUID();
    const umami = new Umami({ websiteId: s.site.umami_website_id, hostUrl: s.url, userAgent: FIREFOX_UA });
    const event = { url: `/retry?t=${tag}`, hostname: 'example.com', name: 'checkout', data: { step: 2 } };
    await windowStart();
    const restore = failWrites({ afterWriting: false });
    try {
      expect((await umami.track(event)).status).toBe(503);
    } finally {
      restore();
    }
    expect((await umami.track(event)).status).toBe(200);
    expect((await umami.track(event)).status).toBe(200);
    const stamped = { ...event, name: 'stamped', timestamp: Math.floor(Date.now() / 1000) - 30 };
    const restore2 = failWrites({ afterWriting: true });
    try {
      expect((await umami.track(stamped)).status).toBe(503);
    } finally {
      restore2();
    }
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await umami.track(stamped)).status).toBe(200);
    const rows = await until(
      () => s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]),
      (v) => v.length >= 2,
    );
    await new Promise((r) => setTimeout(r, 200));
    const all = await s.events(s.site, 'AND url LIKE ?', [`%${tag}%`]);
    expect(all.map((r) => r.name).sort()).toEqual(['checkout', 'stamped']);
    expect(rows.length).toBeLessThanOrEqual(2);
  });
});
