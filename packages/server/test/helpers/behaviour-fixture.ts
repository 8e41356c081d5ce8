// Heatmap samples and frustration events over ten days, and the reference computations the behaviour
// suite compares the engines' answers with (written from the definitions, not from behaviour/).
import type { CanonicalEvent } from '@tidemark/core';
import { makeEvent } from './events';

export const BH_SITE = '0190b000-0000-7000-8000-00000000b001';
export const BH_OTHER = '0190b000-0000-7000-8000-00000000b002';
const DAY = 86_400_000;
/** Ten UTC days ending with "today" (the last day, never built by the grid job). */
export const BH_FIRST_DAY = Date.UTC(2026, 2, 1);
export const BH_NOW = BH_FIRST_DAY + 9 * DAY + 15 * 3_600_000;
export const BH_PAGES = ['/pricing', '/docs/start'];

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WIDTHS = [1920, 1280, 1024, 900, 768, 414, 375, 1440];
const SELECTORS = ['button#buy', 'a.nav-link', 'p.lead', 'div[data-plan="pro"]', 'img.hero', '<script>alert(1)</script>'];

export function behaviourFixture(): CanonicalEvent[] {
  const r = rng(17);
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < 2400; i++) {
    const site = i % 11 === 0 ? BH_OTHER : BH_SITE;
    const ts = BH_FIRST_DAY + Math.floor(r() * (9 * DAY + 15 * 3_600_000 - 1000));
    const path = BH_PAGES[Math.floor(r() * BH_PAGES.length)]!;
    const vw = WIDTHS[Math.floor(r() * WIDTHS.length)]!;
    // The page may be wider than the viewport (a horizontal scroll): the batch says how wide (page_width) or not.
    const pageWidth = r() < 0.7 ? vw - 15 : null;
    const kindRoll = r();
    const base = {
      site_id: site,
      ts,
      received_at: ts,
      path,
      url: `https://example.com${path}`,
      viewport_w: r() < 0.05 ? null : vw,
      viewport_h: 800,
      visitor_id: `v${Math.floor(r() * 300)}`,
      session_id: `s${Math.floor(r() * 600)}`,
    };
    const props: Record<string, string> = pageWidth ? { page_width: String(pageWidth), page_height: '4000' } : { page_height: '4000' };
    const selector = SELECTORS[Math.floor(r() * SELECTORS.length)]!;
    const x = Math.floor(r() * ((pageWidth ?? vw) + 40)); // a few past the right edge: clamped to the last column
    const y = Math.floor(r() * 4000);
    if (kindRoll < 0.45) out.push(makeEvent({ ...base, name: 'heatmap_click', x, y, selector, props }));
    else if (kindRoll < 0.75) out.push(makeEvent({ ...base, name: 'heatmap_move', x, y, props }));
    else if (kindRoll < 0.87) out.push(makeEvent({ ...base, name: 'heatmap_scroll', scroll_depth: Math.floor(r() * 101), props }));
    else {
      const name = ['rage_click', 'dead_click', 'error_click'][Math.floor(r() * 3)]!;
      out.push(makeEvent({ ...base, name, x, y, selector, props: { count: '3' } }));
    }
  }
  // Page views and other events: never part of a heatmap.
  for (let i = 0; i < 200; i++)
    out.push(
      makeEvent({ site_id: BH_SITE, ts: BH_FIRST_DAY + i * 3_600_000, path: '/pricing', x: 5, y: 5, selector: 'a', viewport_w: 1280 }),
    );
  return out;
}

export const vpClass = (w: number | null) => (w === null || w >= 1024 ? 'desktop' : w >= 768 ? 'tablet' : 'mobile');
const REF_WIDTH: Record<string, number> = { desktop: 1440, tablet: 820, mobile: 390 };

export interface RefQuery {
  site: string;
  path: string;
  viewport: string;
  fromMs: number;
  toMs: number;
}

const inQuery = (e: CanonicalEvent, q: RefQuery) =>
  e.site_id === q.site && e.path === q.path && vpClass(e.viewport_w) === q.viewport && e.ts >= q.fromMs && e.ts < q.toMs;

/** Points of a click or move map: cell = (floor(100·x / page width) clamped to 0..99, floor(y / 10)). */
export function refPoints(events: CanonicalEvent[], q: RefQuery, name: 'heatmap_click' | 'heatmap_move') {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.name !== name || !inQuery(e, q)) continue;
    const width = Number(e.props.page_width) || e.viewport_w;
    if (!width || e.x === null || e.y === null) continue;
    const cx = Math.min(99, Math.max(0, Math.floor((e.x * 100) / width)));
    const key = `${cx},${Math.floor(e.y / 10)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, count]) => {
    const [cx, cy] = k.split(',').map(Number) as [number, number];
    return { x: Math.round(((cx + 0.5) / 100) * REF_WIDTH[q.viewport]!), y: cy * 10 + 5, count };
  });
}

/** Share of scroll samples (one per page view) at or past each 5 % depth. */
export function refScroll(events: CanonicalEvent[], q: RefQuery) {
  const depths = events.filter((e) => e.name === 'heatmap_scroll' && inQuery(e, q)).map((e) => e.scroll_depth!);
  return Array.from({ length: 21 }, (_, i) => {
    const depth = i * 5;
    const reached = depths.filter((d) => d >= depth).length;
    return { depth, percentage: depths.length ? Math.round((1000 * reached) / depths.length) / 10 : 0 };
  });
}

export function refElements(events: CanonicalEvent[], q: RefQuery) {
  const by = new Map<string, { selector: string; clicks: number; rage_clicks: number; dead_clicks: number; error_clicks: number }>();
  const col = { heatmap_click: 'clicks', rage_click: 'rage_clicks', dead_click: 'dead_clicks', error_click: 'error_clicks' } as const;
  for (const e of events) {
    const c = col[e.name as keyof typeof col];
    if (!c || !inQuery(e, q)) continue;
    const row = by.get(e.selector) ?? { selector: e.selector, clicks: 0, rage_clicks: 0, dead_clicks: 0, error_clicks: 0 };
    row[c]++;
    by.set(e.selector, row);
  }
  return [...by.values()];
}

export function refFrustration(events: CanonicalEvent[], site: string, fromMs: number, toMs: number) {
  const by = new Map<string, { page: string; rage_clicks: number; dead_clicks: number; error_clicks: number }>();
  const col = { rage_click: 'rage_clicks', dead_click: 'dead_clicks', error_click: 'error_clicks' } as const;
  for (const e of events) {
    const c = col[e.name as keyof typeof col];
    if (!c || e.site_id !== site || e.ts < fromMs || e.ts >= toMs) continue;
    const row = by.get(e.path) ?? { page: e.path, rage_clicks: 0, dead_clicks: 0, error_clicks: 0 };
    row[c]++;
    by.set(e.path, row);
  }
  return [...by.values()];
}

/** page_performance events over the same days: some metrics missing (INP without interactions), a few junk values. */
export function vitalsFixture(): CanonicalEvent[] {
  const r = rng(23);
  const out: CanonicalEvent[] = [];
  const devices = ['desktop', 'mobile', 'tablet'];
  const countries = ['DE', 'US', 'FR', ''];
  for (let i = 0; i < 600; i++) {
    const ts = BH_FIRST_DAY + Math.floor(r() * (9 * DAY + 15 * 3_600_000 - 1000));
    const path = BH_PAGES[Math.floor(r() * BH_PAGES.length)]!;
    const props: Record<string, string> = {
      lcp: String(Math.round(400 + r() * 6000)),
      cls: String(Math.round(r() * 400) / 1000),
      fcp: String(Math.round(200 + r() * 4000)),
      ttfb: String(Math.round(20 + r() * 2500)),
    };
    if (r() < 0.6) props.inp = String(Math.round(16 + r() * 800));
    if (r() < 0.03) props.lcp = 'NaN-ish';
    out.push(
      makeEvent({
        site_id: i % 9 === 0 ? BH_OTHER : BH_SITE,
        name: 'page_performance',
        ts,
        received_at: ts,
        path,
        // A session of its own, so the session's attributes (browser, country, device) are the event's.
        session_id: `vs${i}`,
        visitor_id: `vv${i % 97}`,
        browser: ['Chrome', 'Safari', 'Edge'][i % 3]!,
        device_type: devices[Math.floor(r() * devices.length)]!,
        country: countries[Math.floor(r() * countries.length)]!,
        props,
      }),
    );
  }
  return out;
}

/** Linear interpolation between the closest ranks (DuckDB's quantile_cont). */
export function quantile(values: number[], q: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** error_occurred events: a few fingerprints of different frequency over pages, browsers and visitors. */
export function errorsFixture(): CanonicalEvent[] {
  const r = rng(31);
  const out: CanonicalEvent[] = [];
  const kinds = [
    { fp: 'a1b2c3d4', message: 'TypeError: x is undefined', source: 'https://example.com/app.js', weight: 0.5 },
    { fp: '0badf00d', message: 'ReferenceError: foo is not defined', source: 'https://example.com/vendor.js', weight: 0.3 },
    { fp: 'deadbeef', message: '<img src=x onerror=alert(1)>', source: '', weight: 0.2 },
  ];
  const browsers = ['Chrome', 'Firefox', 'Safari'];
  for (let i = 0; i < 300; i++) {
    const ts = BH_FIRST_DAY + Math.floor(r() * (9 * DAY + 15 * 3_600_000 - 1000));
    const roll = r();
    const k = roll < 0.5 ? kinds[0]! : roll < 0.8 ? kinds[1]! : kinds[2]!;
    out.push(
      makeEvent({
        site_id: i % 10 === 0 ? BH_OTHER : BH_SITE,
        name: 'error_occurred',
        ts,
        received_at: ts,
        path: BH_PAGES[Math.floor(r() * BH_PAGES.length)]!,
        browser: browsers[Math.floor(r() * browsers.length)]!,
        visitor_id: `ev${Math.floor(r() * 40)}`,
        session_id: `es${i}`,
        props: { fingerprint: k.fp, message: k.message, source: k.source, line: '10', column: '5' },
      }),
    );
  }
  return out;
}
