import { emptyEvent, type CanonicalEvent } from '@tidemark/core';

/**
 * A small, explicit dataset for the stats suite. Every expectation in stats-suite.ts is computed by
 * hand from this file; the comments give each instant in the site's local time.
 *
 * Site A: America/New_York (UTC−5 in January; UTC−4 from 2024-03-10 03:00).
 *   Main period P  = 2024-01-15 … 2024-01-16 local = [2024-01-15T05:00Z, 2024-01-17T05:00Z)
 *   Previous  P′   = 2024-01-13 … 2024-01-14 local = [2024-01-13T05:00Z, 2024-01-15T05:00Z)
 * Site B: Asia/Kolkata (UTC+5:30), one day 2024-01-15 local = [2024-01-14T18:30Z, 2024-01-15T18:30Z)
 */
export const SITE_A = { id: 'site-a', timezone: 'America/New_York' };
export const SITE_B = { id: 'site-b', timezone: 'Asia/Kolkata' };
/** Site C: UTC, one day 2024-02-01, with what the tracker's interactions report (page exits, scroll). */
export const SITE_C = { id: 'site-c', timezone: 'UTC' };
export const PC = { start: '2024-02-01', end: '2024-02-01' };

interface SessionAttrs {
  site: string;
  visitor: string;
  session: string;
  source?: string;
  referrer_domain?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  channel?: string;
  country?: string;
  browser?: string;
  os?: string;
  device_type?: string;
  screen?: [number, number];
  language?: string;
}

let seq = 0;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * One event. Acquisition fields are set on the session's first event only (`first`), as a tracker's
 * later pageviews carry an internal referrer — so breakdowns by source prove session attribution.
 */
function ev(
  s: SessionAttrs,
  utc: string,
  name: string,
  path: string,
  opts: { first?: boolean; props?: Record<string, string>; scroll?: number; engagedMs?: number } = {},
): CanonicalEvent {
  seq += 1;
  const ts = Date.parse(utc);
  const e = emptyEvent({ event_id: uuid(seq), site_id: s.site, ts, received_at: ts, name });
  e.visitor_id = s.visitor;
  e.session_id = s.session;
  e.host = 'example.com';
  e.path = path;
  e.url = `https://example.com${path}`;
  e.country = s.country ?? '';
  e.browser = s.browser ?? '';
  e.os = s.os ?? '';
  e.device_type = s.device_type ?? '';
  e.language = s.language ?? '';
  if (s.screen) [e.screen_w, e.screen_h] = s.screen;
  if (opts.first) {
    e.source = s.source ?? '';
    e.referrer_domain = s.referrer_domain ?? '';
    e.referrer = s.referrer_domain ? `https://${s.referrer_domain}/` : '';
    e.utm_source = s.utm_source ?? '';
    e.utm_medium = s.utm_medium ?? '';
    e.utm_campaign = s.utm_campaign ?? '';
    e.channel = s.channel ?? 'Direct';
  } else {
    e.channel = 'Direct';
  }
  if (opts.props) e.props = opts.props;
  if (opts.scroll !== undefined) e.scroll_depth = opts.scroll;
  if (opts.engagedMs !== undefined) e.engaged_ms = opts.engagedMs;
  return e;
}

const desktopUS = {
  country: 'US',
  browser: 'Chrome',
  os: 'Windows',
  device_type: 'desktop',
  screen: [1920, 1080] as [number, number],
  language: 'en-US',
};

const S1: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v1',
  session: 's1',
  source: 'Google',
  referrer_domain: 'www.google.com',
  channel: 'Organic Search',
  ...desktopUS,
};
const S2: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v2',
  session: 's2',
  country: 'DE',
  browser: 'Firefox',
  os: 'Linux',
  device_type: 'desktop',
  screen: [1280, 720],
  language: 'de-DE',
};
const S3: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v3',
  session: 's3',
  source: 'Twitter',
  referrer_domain: 't.co',
  channel: 'Social',
  country: 'US',
  browser: 'Safari',
  os: 'iOS',
  device_type: 'mobile',
  screen: [390, 844],
  language: 'en-US',
};
const S4: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v1',
  session: 's4',
  source: 'newsletter',
  utm_source: 'newsletter',
  utm_medium: 'email',
  utm_campaign: 'jan',
  channel: 'Email',
  ...desktopUS,
};
const S5: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v4',
  session: 's5',
  source: 'Bing',
  referrer_domain: 'www.bing.com',
  channel: 'Organic Search',
  country: 'FR',
  browser: 'Edge',
  os: 'Windows',
  device_type: 'desktop',
  screen: [1536, 864],
  language: 'fr-FR',
};
const S6: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v5',
  session: 's6',
  source: 'GitHub',
  referrer_domain: 'github.com',
  channel: 'Referral',
  country: 'US',
  browser: 'Chrome',
  os: 'macOS',
  device_type: 'desktop',
  screen: [1440, 900],
  language: 'en-US',
};
const S7: SessionAttrs = { site: SITE_A.id, visitor: 'v6', session: 's7', source: 'Google', channel: 'Organic Search', ...desktopUS };
const S8: SessionAttrs = { site: SITE_A.id, visitor: 'v7', session: 's8', source: 'Google', channel: 'Organic Search', ...desktopUS };
const S9: SessionAttrs = {
  site: SITE_A.id,
  visitor: 'v8',
  session: 's9',
  country: 'DE',
  browser: 'Firefox',
  os: 'Linux',
  device_type: 'desktop',
  screen: [1280, 720],
  language: 'de-DE',
};
const S10: SessionAttrs = { site: SITE_A.id, visitor: 'v9', session: 's10', ...desktopUS };

const C = (visitor: string, session: string, source: string): SessionAttrs => ({
  site: SITE_C.id,
  visitor,
  session,
  source,
  channel: 'Direct',
  ...desktopUS,
});
const C0 = C('c1', 'c0', 'Google');
const C1 = C('c1', 'c1', 'Google');
const C2 = C('c2', 'c2', 'Twitter');
const C3 = C('c3', 'c3', 'Google');

const B = (visitor: string, session: string): SessionAttrs => ({
  site: SITE_B.id,
  visitor,
  session,
  country: 'IN',
  browser: 'Chrome',
  os: 'Android',
  device_type: 'mobile',
  screen: [412, 915],
  language: 'hi-IN',
});

export function fixtureEvents(): CanonicalEvent[] {
  seq = 0;
  return [
    // S1 v1 — Mon 2024-01-15 09:00–09:05 local. 2 pageviews + passive scroll + custom signup. 300 s. Not a bounce.
    ev(S1, '2024-01-15T14:00:00Z', 'page_view', '/', { first: true }),
    ev(S1, '2024-01-15T14:00:30Z', 'scroll_depth', '/'),
    ev(S1, '2024-01-15T14:02:00Z', 'page_view', '/pricing'),
    ev(S1, '2024-01-15T14:05:00Z', 'signup', '/pricing', { props: { plan: 'pro' } }),
    // S2 v2 — Mon 10:00 local, direct. One pageview + scroll_depth (passive): a bounce. 40 s.
    ev(S2, '2024-01-15T15:00:00Z', 'page_view', '/', { first: true }),
    ev(S2, '2024-01-15T15:00:40Z', 'scroll_depth', '/'),
    // S3 v3 — Mon 12:00 local. One pageview + a custom event: not a bounce. 60 s.
    ev(S3, '2024-01-15T17:00:00Z', 'page_view', '/blog/post-1', { first: true }),
    ev(S3, '2024-01-15T17:01:00Z', 'cta_click', '/blog/post-1', { props: { button: 'hero' } }),
    // S4 v1 (returning) — Tue 2024-01-16 08:00–08:20:30 local, newsletter. 3 pageviews + signup. 1230 s.
    ev(S4, '2024-01-16T13:00:00Z', 'page_view', '/blog/post-1', { first: true }),
    ev(S4, '2024-01-16T13:10:00Z', 'page_view', '/blog/post-2'),
    ev(S4, '2024-01-16T13:20:00Z', 'page_view', '/pricing'),
    ev(S4, '2024-01-16T13:20:30Z', 'signup', '/pricing', { props: { plan: 'free' } }),
    // S5 v4 — starts Tue 23:30 local (last day of P), ends Wed 00:20 local (after P). 3000 s.
    ev(S5, '2024-01-17T04:30:00Z', 'page_view', '/', { first: true }), // 23:30 Tue: in P
    ev(S5, '2024-01-17T04:55:00Z', 'page_view', '/contact'), // 23:55 Tue: in P
    ev(S5, '2024-01-17T05:20:00Z', 'page_view', '/about'), // 00:20 Wed: after P
    // S6 v5 — starts Sun 2024-01-14 23:50 local (in P′), continues into Mon (P). 2100 s.
    ev(S6, '2024-01-15T04:50:00Z', 'page_view', '/docs', { first: true }), // 23:50 Sun: P′
    ev(S6, '2024-01-15T05:10:00Z', 'page_view', '/docs/install'), // 00:10 Mon: P
    ev(S6, '2024-01-15T05:25:00Z', 'page_view', '/docs/config'), // 00:25 Mon: P
    // S7 v6 — Wed 2024-01-17 00:30 local: the day after P, counts nowhere in P.
    ev(S7, '2024-01-17T05:30:00Z', 'page_view', '/', { first: true }),
    // S8 v7 — Sat 2024-01-13 15:00 local (P′). 2 pageviews, 180 s.
    ev(S8, '2024-01-13T20:00:00Z', 'page_view', '/', { first: true }),
    ev(S8, '2024-01-13T20:03:00Z', 'page_view', '/pricing'),
    // S9 v8 — Sun 2024-01-14 11:00 local (P′). Single pageview: a bounce, 0 s.
    ev(S9, '2024-01-14T16:00:00Z', 'page_view', '/', { first: true }),
    // S10 v9 — 2024-03-10 03:30 EDT (the DST day: 02:00–03:00 does not exist).
    ev(S10, '2024-03-10T07:30:00Z', 'page_view', '/spring', { first: true }),

    // Site B (Asia/Kolkata). Its events overlap site A's period in UTC and must never show up there.
    ev(B('w1', 'b1'), '2024-01-15T18:00:00Z', 'page_view', '/', { first: true }), // 23:30 IST Jan 15: counts
    ev(B('w2', 'b2'), '2024-01-15T19:00:00Z', 'page_view', '/', { first: true }), // 00:30 IST Jan 16: does not
    ev(B('w3', 'b3'), '2024-01-14T18:45:00Z', 'page_view', '/a', { first: true }), // 00:15 IST Jan 15: counts
    ev(B('w4', 'b4'), '2024-01-14T18:15:00Z', 'page_view', '/x', { first: true }), // 23:45 IST Jan 14: does not

    // Site C (UTC), period 2024-02-01. c1 visited on Jan 20 already: returning; c2, c3 are new.
    ev(C0, '2024-01-20T09:00:00Z', 'page_view', '/', { first: true }),
    // c1: engaged time and scroll reported by page exits; the exit at 10:01 belongs to "/", not to the
    // page view at the same instant. "/" 45 s, 60 %; "/pricing" 20 + 10 = 30 s, 100 %; "/docs" none.
    ev(C1, '2024-02-01T10:00:00Z', 'page_view', '/', { first: true }),
    ev(C1, '2024-02-01T10:00:20Z', 'scroll_depth', '/', { scroll: 25 }),
    ev(C1, '2024-02-01T10:00:40Z', 'scroll_depth', '/', { scroll: 50 }),
    ev(C1, '2024-02-01T10:01:00Z', 'page_exit', '/', { engagedMs: 45_000, scroll: 60 }),
    ev(C1, '2024-02-01T10:01:00Z', 'page_view', '/pricing'),
    ev(C1, '2024-02-01T10:01:30Z', 'page_exit', '/pricing', { engagedMs: 20_000, scroll: 80 }),
    ev(C1, '2024-02-01T10:03:00Z', 'page_exit', '/pricing', { engagedMs: 10_000, scroll: 100 }),
    ev(C1, '2024-02-01T10:05:00Z', 'page_view', '/docs'),
    // c2: no interactions tracked: the gap to the next page view. "/" 150 s, "/pricing" 90 s, "/docs" none.
    ev(C2, '2024-02-01T11:00:00Z', 'page_view', '/', { first: true }),
    ev(C2, '2024-02-01T11:02:30Z', 'page_view', '/pricing'),
    ev(C2, '2024-02-01T11:03:00Z', 'signup', '/pricing'),
    ev(C2, '2024-02-01T11:04:00Z', 'page_view', '/docs'),
    // c3: a single page view with its exit: "/" 30 s, 40 %.
    ev(C3, '2024-02-01T12:00:00Z', 'page_view', '/', { first: true }),
    ev(C3, '2024-02-01T12:00:10Z', 'scroll_depth', '/', { scroll: 25 }),
    ev(C3, '2024-02-01T12:00:30Z', 'page_exit', '/', { engagedMs: 30_000, scroll: 40 }),
  ];
}

/** Site A's main period and its local-date bounds. */
export const P = { start: '2024-01-15', end: '2024-01-16' };

/**
 * Time on page and deepest scroll of each page view, computed from the events the plain way (the
 * reference for the engines): per session in (ts, page views last at an instant, event_id) order, a
 * page view owns the events up to the next page view; time = sum of its page exits' engaged_ms when
 * there is one, else the gap to the next page view, else none; scroll = the largest reported depth.
 */
export function pageViewMeasures(events: CanonicalEvent[]): Array<{ event: CanonicalEvent; ms: number | null; scroll: number | null }> {
  const sessions = new Map<string, CanonicalEvent[]>();
  for (const e of events) {
    const key = `${e.site_id}|${e.session_id}|${e.visitor_id}`;
    sessions.set(key, [...(sessions.get(key) ?? []), e]);
  }
  const out: Array<{ event: CanonicalEvent; ms: number | null; scroll: number | null }> = [];
  for (const list of sessions.values()) {
    const isPv = (e: CanonicalEvent) => (e.name === 'page_view' ? 1 : 0);
    list.sort((a, b) => a.ts - b.ts || isPv(a) - isPv(b) || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
    const starts = list.flatMap((e, i) => (isPv(e) ? [i] : []));
    starts.forEach((start, k) => {
      const end = starts[k + 1] ?? list.length;
      const owned = list.slice(start, end);
      const exits = owned.filter((e) => e.name === 'page_exit' && e.engaged_ms !== null);
      const depths = owned.flatMap((e) => (e.scroll_depth === null ? [] : [e.scroll_depth]));
      const next = starts[k + 1] === undefined ? null : list[starts[k + 1]!]!.ts;
      const ms = exits.length ? exits.reduce((sum, e) => sum + e.engaged_ms!, 0) : next === null ? null : next - list[start]!.ts;
      out.push({ event: list[start]!, ms, scroll: depths.length ? Math.max(...depths) : null });
    });
  }
  return out;
}

/** avg_time (whole seconds) and scroll_depth (whole %) over page views, as the registry defines them. */
export function pageAverages(measures: Array<{ ms: number | null; scroll: number | null }>): { avg_time: number; scroll_depth: number } {
  const times = measures.flatMap((m) => (m.ms === null ? [] : [m.ms]));
  const depths = measures.flatMap((m) => (m.scroll === null ? [] : [m.scroll]));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return { avg_time: Math.round(mean(times) / 1000), scroll_depth: Math.round(mean(depths)) };
}
