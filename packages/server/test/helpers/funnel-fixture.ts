import { emptyEvent, type CanonicalEvent, type Funnel, type FunnelStep } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';

/**
 * Events for the funnel suite. Site F (America/New_York) holds hand-written visits, one per case
 * (times in UTC; New York is UTC−5 in March before the 10th); site R holds seeded random traffic.
 * Period: 2024-03-01 … 2024-03-02 local = [2024-03-01T05:00Z, 2024-03-03T05:00Z).
 */
export const FUNNEL_SITE = { id: 'site-f', timezone: 'America/New_York' };
export const RANDOM_SITE = { id: 'site-r', timezone: 'America/New_York' };
export const OTHER_SITE = { id: 'site-o', timezone: 'UTC' };
/** One hand-written visit for a funnel with a passive event as a step. */
export const PASSIVE_SITE = { id: 'site-p', timezone: 'America/New_York' };
export const PERIOD = { start: '2024-03-01', end: '2024-03-02' };
export const RANGE = { startMs: Date.parse('2024-03-01T05:00:00Z'), endMs: Date.parse('2024-03-03T05:00:00Z') };
export const FUNNEL_NOW = Date.parse('2024-03-05T12:00:00Z');

export const SIGNUP_STEPS: FunnelStep[] = [
  { name: 'Home', type: 'pageview', match: { url_pattern: '/' } },
  { name: 'Pricing', type: 'pageview', match: { url_pattern: '/pricing*' } },
  { name: 'Sign-up form', type: 'pageview', match: { path_regex: '^/sign(up|-up)$' } },
  { name: 'Signed up', type: 'event', match: { event_name: 'signup_completed', event_properties: { plan: 'pro' } } },
];

export function funnelRecord(site: string, steps: FunnelStep[], scope: Funnel['scope'], window: Funnel['window'] = null): Funnel {
  return {
    id: 'f-1',
    site_id: site,
    name: 'Sign-up',
    steps,
    scope,
    window,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
  };
}

interface Visit {
  visitor: string;
  session: string;
  source?: string;
  country?: string;
}

let seq = 0;
const uuid = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

function event(
  site: string,
  v: Visit,
  ts: number,
  name: string,
  path: string,
  props: Record<string, string> = {},
  first = false,
): CanonicalEvent {
  seq += 1;
  const e = emptyEvent({ event_id: uuid(seq), site_id: site, ts, received_at: ts, name });
  e.visitor_id = v.visitor;
  e.session_id = v.session;
  e.host = 'example.com';
  e.path = path;
  e.url = `https://example.com${path}`;
  e.country = v.country ?? 'US';
  e.channel = 'Direct';
  if (first) e.source = v.source ?? '';
  e.props = props;
  return e;
}

/** A visit as [UTC time, name or path]: strings starting with '/' are page views, others events. */
function visit(site: string, v: Visit, steps: Array<[string, string, Record<string, string>?]>): CanonicalEvent[] {
  let path = '/';
  return steps.map(([utc, what, props], i) => {
    const ts = Date.parse(utc);
    if (what.startsWith('/')) path = what;
    return what.startsWith('/') ? event(site, v, ts, 'page_view', what, props, i === 0) : event(site, v, ts, what, path, props, i === 0);
  });
}

const S = FUNNEL_SITE.id;

/** The hand-written cases; expectations in funnel-suite.ts are worked out from these comments. */
export function caseEvents(): CanonicalEvent[] {
  return [
    // A: the whole funnel, with passive events between steps; gaps 120 s, 180 s, 60 s.
    ...visit(S, { visitor: 'va', session: 'sa', source: 'Google' }, [
      ['2024-03-01T15:00:00Z', '/', { ab: 'x' }],
      ['2024-03-01T15:01:00Z', 'scroll_depth'],
      ['2024-03-01T15:02:00Z', '/pricing'],
      ['2024-03-01T15:05:00Z', '/signup'],
      ['2024-03-01T15:06:00Z', 'signup_completed', { plan: 'pro' }],
    ]),
    // B: out of order (pricing before home): step 1 only; next: /signup.
    ...visit(S, { visitor: 'vb', session: 'sb', source: 'Twitter', country: 'DE' }, [
      ['2024-03-01T16:00:00Z', '/pricing'],
      ['2024-03-01T16:01:00Z', '/'],
      ['2024-03-01T16:03:00Z', '/signup'],
    ]),
    // C: repeated home; the first start leads (240 s, 360 s) to step 3; next: nothing (page_exit is passive).
    ...visit(S, { visitor: 'vc', session: 'sc', source: 'Google' }, [
      ['2024-03-01T17:00:00Z', '/', { ab: 'y' }],
      ['2024-03-01T17:02:00Z', '/', { ab: 'x' }],
      ['2024-03-01T17:04:00Z', '/pricing/team'],
      ['2024-03-01T17:10:00Z', '/sign-up'],
      ['2024-03-01T17:11:00Z', 'page_exit'],
    ]),
    // D: enters twice; first session stops at step 1, the second reaches step 2 (300 s); next: cta_click.
    ...visit(S, { visitor: 'vd', session: 'sd1', country: 'DE' }, [
      ['2024-03-01T18:00:00Z', '/'],
      ['2024-03-01T18:01:00Z', '/blog/x'],
    ]),
    ...visit(S, { visitor: 'vd', session: 'sd2', source: 'Twitter', country: 'DE' }, [
      ['2024-03-01T20:00:00Z', '/'],
      ['2024-03-01T20:05:00Z', '/pricing'],
      ['2024-03-01T20:06:00Z', 'cta_click'],
    ]),
    // E: starts 23:50 local on the period's last day, goes on after local midnight: step 3 (1200 s, 120 s).
    ...visit(S, { visitor: 've', session: 'se' }, [
      ['2024-03-03T04:50:00Z', '/'],
      ['2024-03-03T05:10:00Z', '/pricing'],
      ['2024-03-03T05:12:00Z', '/signup'],
    ]),
    // F: the session begins before the period (23:55 local), its step-1 event is inside: step 2 (60 s).
    ...visit(S, { visitor: 'vf', session: 'sf' }, [
      ['2024-03-01T04:55:00Z', '/pricing'],
      ['2024-03-01T05:05:00Z', '/'],
      ['2024-03-01T05:06:00Z', '/pricing'],
    ]),
    // G: after the period: not an entrant.
    ...visit(S, { visitor: 'vg', session: 'sg' }, [
      ['2024-03-03T05:01:00Z', '/'],
      ['2024-03-03T05:02:00Z', '/pricing'],
    ]),
    // H: signed up on another plan: step 3 (60 s, 60 s); next: signup_completed.
    ...visit(S, { visitor: 'vh', session: 'sh', source: 'Google' }, [
      ['2024-03-01T21:00:00Z', '/'],
      ['2024-03-01T21:01:00Z', '/pricing'],
      ['2024-03-01T21:02:00Z', '/signup'],
      ['2024-03-01T21:03:00Z', 'signup_completed', { plan: 'free' }],
    ]),
    // I: window edge for a 10-minute window: /signup exactly 600 s after home counts, the event 1 ms later does not.
    ...visit(S, { visitor: 'vi', session: 'si' }, [
      ['2024-03-01T22:00:00Z', '/'],
      ['2024-03-01T22:05:00Z', '/pricing'],
      ['2024-03-01T22:10:00.000Z', '/signup'],
      ['2024-03-01T22:10:00.001Z', 'signup_completed', { plan: 'pro' }],
    ]),
    // J: home in one session, pricing and sign-up two hours later in another: step 1 per session, step 3 per visitor.
    ...visit(S, { visitor: 'vj', session: 'sj1' }, [['2024-03-02T10:00:00Z', '/']]),
    ...visit(S, { visitor: 'vj', session: 'sj2' }, [
      ['2024-03-02T12:00:00Z', '/pricing'],
      ['2024-03-02T12:01:00Z', '/signup'],
    ]),
    // K: with a 1-hour visitor window the later start leads further (600 s, 600 s).
    ...visit(S, { visitor: 'vk', session: 'sk1' }, [['2024-03-02T08:00:00Z', '/']]),
    ...visit(S, { visitor: 'vk', session: 'sk2' }, [
      ['2024-03-02T11:00:00Z', '/'],
      ['2024-03-02T11:10:00Z', '/pricing'],
      ['2024-03-02T11:20:00Z', '/signup'],
    ]),
    // Site P, for a funnel whose step 2 is the passive scroll_depth: stops at step 2; next: /docs (the
    // second scroll_depth is passive, so never "what next").
    ...visit(PASSIVE_SITE.id, { visitor: 'vp', session: 'sp' }, [
      ['2024-03-01T16:00:00Z', '/'],
      ['2024-03-01T16:01:00Z', 'scroll_depth'],
      ['2024-03-01T16:02:00Z', 'scroll_depth'],
      ['2024-03-01T16:03:00Z', '/docs'],
    ]),
    // Another site with the same paths: never counted.
    ...visit(OTHER_SITE.id, { visitor: 'va', session: 'sa' }, [
      ['2024-03-01T15:00:00Z', '/'],
      ['2024-03-01T15:02:00Z', '/pricing'],
    ]),
  ];
}

const STAGES = [['/'], ['/pricing', '/pricing/team'], ['/signup', '/sign-up']];
const PATHS = ['/', '/', '/pricing', '/pricing/team', '/signup', '/sign-up', '/blog/a', '/docs'];

/** Seeded traffic on site R: visitors with 1-3 sessions of 1-8 events around the period; all times distinct. */
export function randomEvents(seed = 'funnels'): CanonicalEvent[] {
  const rng = new Prng(seed);
  const out: CanonicalEvent[] = [];
  let unique = 0;
  for (let v = 0; v < 120; v++) {
    const country = rng.pick(['US', 'DE', 'FR']);
    const sessions = rng.int(1, 3);
    let t = RANGE.startMs - 6 * 3_600_000 + rng.int(0, 60 * 3_600_000);
    for (let s = 0; s < sessions; s++) {
      const visitInfo: Visit = { visitor: `r${v}`, session: `r${v}-${s}`, source: rng.pick(['Google', 'Twitter', '']), country };
      const count = rng.int(1, 8);
      let stage = 0;
      for (let i = 0; i < count; i++) {
        t += rng.int(5, 300) * 1000 + (unique++ % 997);
        const props: Record<string, string> = rng.chance(0.3) ? { ab: rng.pick(['x', 'y']) } : {};
        // Half the time the visitor takes the funnel's next step (and may repeat it), else anything.
        if (rng.chance(0.5)) {
          if (stage === 3)
            out.push(event(RANDOM_SITE.id, visitInfo, t, 'signup_completed', '/signup', { plan: rng.pick(['pro', 'free']) }, i === 0));
          else out.push(event(RANDOM_SITE.id, visitInfo, t, 'page_view', rng.pick(STAGES[stage]), props, i === 0));
          stage = Math.min(3, stage + rng.int(0, 1));
          continue;
        }
        const r = rng.next();
        const path = rng.pick(PATHS);
        if (r < 0.7) out.push(event(RANDOM_SITE.id, visitInfo, t, 'page_view', path, props, i === 0));
        else if (r < 0.85)
          out.push(event(RANDOM_SITE.id, visitInfo, t, 'signup_completed', path, { plan: rng.pick(['pro', 'free']) }, i === 0));
        else out.push(event(RANDOM_SITE.id, visitInfo, t, rng.pick(['cta_click', 'scroll_depth']), path, {}, i === 0));
      }
      t += rng.int(40, 240) * 60_000;
    }
  }
  return out;
}
