import { generateTraffic, Prng, userAgentFor, type TrafficOptions } from '@tidemark/testkit';
import type { CanonicalEvent } from '@tidemark/core';

/** One POST /api/collect request as the tracker would send it (packages/tracker/README.md "Wire format"). */
export interface WireRequest {
  body: string;
  headers: Record<string, string>;
  eventIds: string[];
}

export const BENCH_HOST = 'bench.example';

const HEX = '0123456789abcdef';

/** Random UUID v4, as a server-side client may choose them (deterministic here); the browser tracker sends v7. */
function uuidv4(rng: Prng): string {
  let s = '';
  for (let i = 0; i < 32; i++) {
    let d = rng.u32() & 15;
    if (i === 12) d = 4;
    else if (i === 16) d = 8 | (d & 3);
    s += HEX[d];
    if (i === 7 || i === 11 || i === 15 || i === 19) s += '-';
  }
  return s;
}

/** A public-looking IPv4 address per visitor, passed as X-Forwarded-For (the server trusts loopback in the bench). */
function ipFor(visitorId: string): string {
  const n = parseInt(visitorId.slice(0, 8), 16) >>> 0;
  let a = 1 + ((n >>> 24) % 222);
  if (a === 10 || a === 127 || a === 100 || a === 172 || a === 192 || a === 169) a += 1;
  return `${a}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${1 + ((n & 255) % 254)}`;
}

function wireEvent(e: CanonicalEvent, eventId: string): Record<string, unknown> {
  const properties: Record<string, string | number> = { url: e.url, path: e.path, title: e.title, referrer: e.referrer };
  if (e.utm_source) {
    properties.utm_source = e.utm_source;
    if (e.utm_medium) properties.utm_medium = e.utm_medium;
    if (e.utm_campaign) properties.utm_campaign = e.utm_campaign;
    if (e.utm_term) properties.utm_term = e.utm_term;
    if (e.utm_content) properties.utm_content = e.utm_content;
  }
  if (e.user_id) properties.user_id = e.user_id;
  if (e.scroll_depth !== null) properties.scroll_depth = e.scroll_depth;
  if (e.engaged_ms !== null) properties.engaged_ms = e.engaged_ms;
  if (e.revenue_amount !== null) {
    properties.revenue_amount = e.revenue_amount;
    properties.revenue_currency = e.revenue_currency;
  }
  for (const [k, v] of Object.entries(e.props)) if (!(k in properties)) properties[k] = v;
  return {
    event_id: eventId,
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

/**
 * `count` requests of `batch` events each: dense generated traffic (a batch spans seconds, as a page's do), UUIDv7 ids as
 * the browser tracker makes them, or random v4 ids (`ids: 'v4'`, the harder case for dedupe). Each request carries the first event's visitor as User-Agent and
 * X-Forwarded-For, so the server identifies many visitors as it would in production.
 */
export function buildRequests(opts: { trackingId: string; count: number; batch: number; seed: string; ids: 'v4' | 'v7' }): WireRequest[] {
  const rng = new Prng(`${opts.seed}:ids`);
  const want = opts.count * opts.batch;
  const traffic: TrafficOptions = {
    siteId: 'bench',
    days: 1,
    end: Date.now(),
    seed: opts.seed,
    totalEvents: Math.max(Math.ceil(want * 1.5), 500_000),
    host: BENCH_HOST,
  };
  const out: WireRequest[] = [];
  let events: CanonicalEvent[] = [];
  const flush = () => {
    const first = events[0];
    const ids = events.map((e) => (opts.ids === 'v7' ? e.event_id : uuidv4(rng)));
    const body = JSON.stringify({
      site_id: opts.trackingId,
      sent_at: events[events.length - 1].ts + 250,
      events: events.map((e, i) => wireEvent(e, ids[i])),
    });
    out.push({
      body,
      eventIds: ids,
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: `https://${BENCH_HOST}`,
        'user-agent': userAgentFor(first),
        'accept-language': first.language,
        'x-forwarded-for': ipFor(first.visitor_id),
      },
    });
    events = [];
  };
  for (const e of generateTraffic(traffic)) {
    events.push(e);
    if (events.length === opts.batch) {
      flush();
      if (out.length === opts.count) break;
    }
  }
  if (out.length < opts.count) throw new Error(`generated only ${out.length} of ${opts.count} requests`);
  return out;
}

/** A UUIDv7 for `ms` (random tail), as the tracker makes them. */
function uuidv7(ms: number, rng: Prng): string {
  const t = Math.floor(ms).toString(16).padStart(12, '0');
  let tail = '';
  for (let i = 0; i < 19; i++) tail += HEX[rng.u32() & 15];
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${tail.slice(0, 3)}-${HEX[8 | (rng.u32() & 3)]}${tail.slice(3, 6)}-${tail.slice(6, 18)}`;
}

/**
 * `count` POST /api/collect/heatmap requests (InsightHub PRD §7.1.2 shape, as t.heatmap.js sends them) of
 * `batch` samples each: mouse positions (70 %), clicks with selectors (25 %) and scroll depths, one page
 * view's batch per request, each from its own visitor address and user agent.
 */
export function buildHeatmapRequests(opts: { trackingId: string; count: number; batch: number; seed: string }): WireRequest[] {
  const rng = new Prng(`${opts.seed}:heatmap`);
  const widths = [1920, 1440, 1366, 1280, 820, 390];
  const out: WireRequest[] = [];
  const now = Date.now();
  for (let r = 0; r < opts.count; r++) {
    const vw = rng.pick(widths);
    const ids: string[] = [];
    const events = Array.from({ length: opts.batch }, (_, i) => {
      const ts = now - 60_000 + r + i * 100;
      const id = uuidv7(ts, rng);
      ids.push(id);
      const roll = rng.next();
      if (roll < 0.05) return { type: 'scroll', depth: rng.int(0, 100), timestamp: ts, event_id: id };
      const s = { type: roll < 0.3 ? 'click' : 'move', x: rng.int(0, vw - 1), y: rng.int(0, 3999), timestamp: ts, event_id: id };
      return roll < 0.3 ? { ...s, element: rng.pick(['button#buy', 'a.nav-link', 'div.plan > h3', 'p.lead']) } : s;
    });
    const visitor = (rng.u32() >>> 0).toString(16).padStart(8, '0');
    out.push({
      body: JSON.stringify({
        site_id: opts.trackingId,
        sent_at: now,
        page_url: `https://${BENCH_HOST}/pricing`,
        viewport: { width: vw, height: 900 },
        page_height: 4000,
        page_width: vw - 15,
        events,
      }),
      eventIds: ids,
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: `https://${BENCH_HOST}`,
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
        'accept-language': 'en-US,en;q=0.9',
        'x-forwarded-for': ipFor(visitor),
      },
    });
  }
  return out;
}
