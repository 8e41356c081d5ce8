import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { COHORT_SITE, cohortEvents } from './cohorts-fixture';

/**
 * Events for the profiles suite: the cohorts fixture's seeded traffic of site K (identification
 * mid-session, second devices, re-identification as another user), and a hand-made case on site P:
 * laptop `a1` browses anonymously and identifies as alice mid-session, alice's phone `a2` comes the
 * next day already identified and changes a trait; `b1` stays anonymous on P but identifies as bob on
 * site Q (no merge across sites).
 */
export const PROFILE_SITE = { id: 'site-p', timezone: 'UTC' };
export const OTHER_SITE = { id: 'site-q', timezone: 'UTC' };
export const SEEDED_SITE = COHORT_SITE;
export const T0 = Date.parse('2024-03-04T10:00:00Z');
const MIN = 60_000;

let seq = 500_000;
function ev(site: string, visitor: string, session: string, ts: number, name: string, o: Partial<CanonicalEvent> = {}): CanonicalEvent {
  seq += 1;
  const e = emptyEvent({ event_id: `00000000-0000-4000-b000-${String(seq).padStart(12, '0')}`, site_id: site, ts, received_at: ts, name });
  Object.assign(e, { visitor_id: visitor, session_id: session, host: 'shop.test', path: '/', url: 'https://shop.test/' }, o);
  e.url = `https://shop.test${e.path}`;
  return e;
}

export function handProfileEvents(): CanonicalEvent[] {
  const P = PROFILE_SITE.id;
  const laptop = { device_type: 'desktop', browser: 'Chrome', os: 'Linux', country: 'DE', region: 'DE-BE', city: 'Berlin' };
  const phone = { device_type: 'mobile', browser: 'Safari', os: 'iOS', country: 'DE', region: 'DE-HH', city: 'Hamburg' };
  return [
    ev(P, 'a1', 's1', T0, 'page_view', { path: '/', source: 'Google', ...laptop }),
    ev(P, 'a1', 's1', T0 + MIN, 'page_view', { path: '/pricing', ...laptop }),
    ev(P, 'a1', 's1', T0 + 2 * MIN, 'identify', {
      user_id: 'alice',
      props: { user_id: 'alice', plan: 'free', company: 'Acme' },
      ...laptop,
    }),
    ev(P, 'a1', 's1', T0 + 3 * MIN, 'page_view', { path: '/app', user_id: 'alice', ...laptop }),
    ev(P, 'a2', 's2', T0 + 1440 * MIN, 'page_view', { path: '/app', user_id: 'alice', source: 'Newsletter', ...phone }),
    ev(P, 'a2', 's2', T0 + 1441 * MIN, 'identify', {
      user_id: 'alice',
      props: { user_id: 'alice', plan: 'pro', company: 'Acme' },
      ...phone,
    }),
    ev(P, 'b1', 's3', T0 + 10 * MIN, 'page_view', { path: '/blog', ...phone }),
    ev(OTHER_SITE.id, 'b1', 's4', T0 + 11 * MIN, 'identify', { user_id: 'bob', props: { user_id: 'bob' } }),
    ev(OTHER_SITE.id, 'a1', 's5', T0 + 12 * MIN, 'page_view', { path: '/', user_id: 'mallory' }),
  ];
}

export function profileEvents(): CanonicalEvent[] {
  return [...cohortEvents('profiles'), ...handProfileEvents()];
}
