import { emptyEvent, type CanonicalEvent, type GoalDefinition } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import { RE2JS } from 're2js';

/**
 * Generated traffic for the goals suite and an independent computation of every goal number over it
 * (plain TypeScript: sessions grouped here, goals tested here, regexes run by re2js). Site G is in
 * Asia/Kolkata (UTC+5:30, no DST): period GP = 2024-03-02 … 2024-03-03 local
 * = [2024-03-01T18:30Z, 2024-03-03T18:30Z). Traffic runs from two days before to two days after, so
 * sessions cross the period's edges and local midnights.
 */
export const SITE_G = { id: 'site-g', timezone: 'Asia/Kolkata' };
export const SITE_H = { id: 'site-h', timezone: 'UTC' };
export const GP = { start: '2024-03-02', end: '2024-03-03' };
export const GP_START = Date.parse('2024-03-01T18:30:00Z');
export const GP_END = Date.parse('2024-03-03T18:30:00Z');
export const GOALS_NOW = Date.parse('2024-03-06T12:00:00Z');

export const LONG_A_PATH = `/${'a'.repeat(3000)}`;
export const LONG_A_BANG_PATH = `/${'a'.repeat(3000)}!`;

export const GOALS: GoalDefinition[] = [
  { id: 'g-signup-page', name: 'Signup page', type: 'destination', match: { path: '/signup' } },
  { id: 'g-blog', name: 'Blog', type: 'destination', match: { path: '/blog/*' } },
  { id: 'g-pricing', name: 'Pricing', type: 'destination', match: { path_regex: '^/pricing(/.*)?$' } },
  { id: 'g-signup', name: 'Signed up', type: 'event', match: { event_name: 'signup_completed' } },
  { id: 'g-signup-pro', name: 'Pro signup', type: 'event', match: { event_name: 'signup_completed', event_properties: { plan: 'pro' } } },
  { id: 'g-long', name: 'Long visit', type: 'duration', match: { min_duration_s: 600 } },
  { id: 'g-deep', name: 'Deep visit', type: 'pages_per_session', match: { min_pages: 3 } },
  // Catastrophic for a backtracking engine on LONG_A_BANG_PATH; linear on RE2.
  { id: 'g-patho', name: 'Pathological', type: 'destination', match: { path_regex: '(a+)+$' } },
];

const PATHS = ['/', '/pricing', '/pricing/team', '/pricingx', '/signup', '/signup/', '/blog', '/blog/a', '/blog/b/c', '/about'];
const SOURCES = ['Google', 'Twitter', '', 'Newsletter'];
const COUNTRIES = ['DE', 'US', 'IN'];

export function goalsFixture(): CanonicalEvent[] {
  const rng = new Prng('goals-fixture');
  const out: CanonicalEvent[] = [];
  let seq = 0;
  const add = (
    site: string,
    visitor: string,
    session: string,
    ts: number,
    name: string,
    path: string,
    attrs: { source: string; country: string },
    props?: Record<string, string>,
  ) => {
    seq += 1;
    const e = emptyEvent({
      event_id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
      site_id: site,
      ts,
      received_at: ts,
      name,
    });
    e.visitor_id = visitor;
    e.session_id = session;
    e.host = 'example.com';
    e.path = path;
    e.url = `https://example.com${path}`;
    e.source = attrs.source;
    e.country = attrs.country;
    e.channel = 'Direct';
    if (props) e.props = props;
    out.push(e);
  };
  const from = Date.parse('2024-02-29T12:00:00Z');
  const to = Date.parse('2024-03-05T00:00:00Z');
  for (let s = 0; s < 420; s++) {
    const visitor = `v${rng.int(0, 149)}`;
    const session = `s${s}`;
    const attrs = { source: SOURCES[rng.int(0, SOURCES.length - 1)], country: COUNTRIES[rng.int(0, COUNTRIES.length - 1)] };
    let ts = from + Math.floor(rng.next() * (to - from));
    const n = rng.int(1, 7);
    for (let k = 0; k < n; k++) {
      const r = rng.next();
      if (k === 0 || r < 0.65) add(SITE_G.id, visitor, session, ts, 'page_view', PATHS[rng.int(0, PATHS.length - 1)], attrs);
      else if (r < 0.78)
        add(SITE_G.id, visitor, session, ts, 'signup_completed', '/signup', attrs, {
          plan: rng.next() < 0.5 ? 'pro' : 'free',
          goal: 'true',
        });
      else if (r < 0.9) add(SITE_G.id, visitor, session, ts, 'cta_click', '/', attrs, { plan: 'pro' });
      else add(SITE_G.id, visitor, session, ts, 'scroll_depth', '/', attrs);
      ts += rng.int(5, 400) * 1000;
    }
  }
  // Across local midnight at the period's end (23:50 → 00:20 Kolkata): starts in the period, converts after midnight.
  const late = { source: 'Google', country: 'DE' };
  add(SITE_G.id, 'v-late', 's-late', Date.parse('2024-03-03T18:20:00Z'), 'page_view', '/', late);
  add(SITE_G.id, 'v-late', 's-late', Date.parse('2024-03-03T18:50:00Z'), 'signup_completed', '/signup', late, { plan: 'pro' });
  // Across local midnight at the period's start (23:40 → 00:10): converts inside the period, starts before it.
  const early = { source: 'Twitter', country: 'US' };
  add(SITE_G.id, 'v-early', 's-early', Date.parse('2024-03-01T18:10:00Z'), 'page_view', '/', early);
  add(SITE_G.id, 'v-early', 's-early', Date.parse('2024-03-01T18:40:00Z'), 'page_view', '/signup', early);
  // The pathological paths, in the period.
  const patho = { source: '', country: 'IN' };
  add(SITE_G.id, 'v-patho', 's-patho1', Date.parse('2024-03-02T10:00:00Z'), 'page_view', LONG_A_BANG_PATH, patho);
  add(SITE_G.id, 'v-patho', 's-patho2', Date.parse('2024-03-02T12:00:00Z'), 'page_view', LONG_A_PATH, patho);
  // Another site with the same paths and events: never counted for site G.
  for (let s = 0; s < 30; s++)
    add(SITE_H.id, `v${s}`, `s${s}`, Date.parse('2024-03-02T10:00:00Z') + s * 60_000, 'signup_completed', '/signup', late, { plan: 'pro' });
  return out;
}

// --- the independent computation ----------------------------------------------------------------------

export interface RefSession {
  key: string;
  visitor: string;
  start: number;
  events: CanonicalEvent[];
  source: string;
  country: string;
}

export function refSessions(events: CanonicalEvent[], siteId = SITE_G.id): RefSession[] {
  const by = new Map<string, CanonicalEvent[]>();
  for (const e of events) {
    if (e.site_id !== siteId) continue;
    const k = `${e.session_id}|${e.visitor_id}`;
    by.set(k, [...(by.get(k) ?? []), e]);
  }
  return [...by].map(([key, evs]) => {
    const sorted = [...evs].sort((a, b) => a.ts - b.ts);
    return {
      key,
      visitor: sorted[0].visitor_id,
      start: sorted[0].ts,
      events: sorted,
      source: sorted[0].source,
      country: sorted[0].country,
    };
  });
}

const re2 = (pattern: string) => RE2JS.compile(pattern);

export function refCompletes(s: RefSession, g: GoalDefinition): boolean {
  const pageviews = s.events.filter((e) => e.name === 'page_view');
  switch (g.type) {
    case 'destination': {
      const m = g.match;
      let test: (p: string) => boolean;
      if (m.path_regex) {
        const r = re2(m.path_regex);
        test = (p) => r.matcher(p).find();
      } else if (m.path!.endsWith('/*')) test = (p) => p.startsWith(m.path!.slice(0, -1));
      else test = (p) => p === m.path;
      return pageviews.some((e) => test(e.path));
    }
    case 'event':
      return s.events.some(
        (e) =>
          e.name === g.match.event_name &&
          Object.entries(g.match.event_properties ?? {}).every(([k, v]) => (e.props as Record<string, string> | null)?.[k] === v),
      );
    case 'duration':
      return s.events[s.events.length - 1].ts - s.events[0].ts >= g.match.min_duration_s * 1000;
    case 'pages_per_session':
      return pageviews.length >= g.match.min_pages;
  }
}

export const inGP = (ts: number) => ts >= GP_START && ts < GP_END;

/** Distinct visitors of the events in the period whose sessions pass `keep`. */
export function refVisitors(
  sessions: RefSession[],
  keep: (s: RefSession) => boolean = () => true,
  eventKeep = (_e: CanonicalEvent) => true,
): number {
  const v = new Set<string>();
  for (const s of sessions) if (keep(s)) for (const e of s.events) if (inGP(e.ts) && eventKeep(e)) v.add(s.visitor);
  return v.size;
}

/** Sessions starting in the period that pass `keep`, and their distinct visitors. */
export function refConversions(
  sessions: RefSession[],
  keep: (s: RefSession) => boolean,
): { conversions: number; converting_visitors: number } {
  const conv = sessions.filter((s) => inGP(s.start) && keep(s));
  return { conversions: conv.length, converting_visitors: new Set(conv.map((s) => s.visitor)).size };
}

export const rate = (cv: number, visitors: number) => (visitors ? Math.round((1000 * cv) / visitors) / 10 : 0);
