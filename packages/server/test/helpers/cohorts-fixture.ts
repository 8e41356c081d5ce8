import { emptyEvent, type CanonicalEvent, type GoalDefinition } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';

/**
 * Events for the cohorts suite. Site K (America/New_York) holds seeded traffic from 2024-01-01 to
 * 2024-03-31 UTC: anonymous visitors and users who identify (on one or two devices, some as another
 * user later); every timestamp is distinct. Site H holds the hand-worked identity case.
 */
export const COHORT_SITE = { id: 'site-k', timezone: 'America/New_York' };
export const HAND_SITE = { id: 'site-h', timezone: 'UTC' };
export const COHORT_NOW = Date.parse('2024-04-05T12:00:00Z');
export const SIGNUP_GOAL: GoalDefinition = { id: 'g-signup', name: 'Signed up', type: 'event', match: { event_name: 'signup' } };
export const PRICING_GOAL: GoalDefinition = { id: 'g-pricing', name: 'Pricing', type: 'destination', match: { path: '/pricing' } };
export const LONG_GOAL: GoalDefinition = { id: 'g-long', name: 'Long', type: 'duration', match: { min_duration_s: 60 } };

let seq = 0;
const uuid = (n: number) => `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;

export function cohortEvent(
  site: string,
  visitor: string,
  ts: number,
  name: string,
  o: { path?: string; user?: string; source?: string } = {},
): CanonicalEvent {
  seq += 1;
  const e = emptyEvent({ event_id: uuid(seq), site_id: site, ts, received_at: ts, name });
  e.visitor_id = visitor;
  e.session_id = `${visitor}-${Math.floor(ts / 3_600_000)}`;
  e.user_id = o.user ?? '';
  e.path = o.path ?? '/';
  e.host = 'example.com';
  e.url = `https://example.com${e.path}`;
  e.source = o.source ?? '';
  return e;
}

const PATHS = ['/', '/pricing', '/blog', '/docs'];
const SOURCES = ['', 'Google', 'Twitter'];

export function cohortEvents(seed = 'cohorts'): CanonicalEvent[] {
  const rng = new Prng(seed);
  const out: CanonicalEvent[] = [];
  const start = Date.parse('2024-01-01T00:00:00Z');
  const span = 90 * 86_400_000;
  let unique = 0;
  for (let v = 0; v < 160; v++) {
    // A third are users; a user may use a second device, and some re-identify as another user.
    const user = rng.chance(0.35) ? `user${rng.int(1, 40)}` : '';
    const devices = user && rng.chance(0.4) ? 2 : 1;
    for (let dv = 0; dv < devices; dv++) {
      const visitor = `k${v}-${dv}`;
      const visits = rng.int(1, 5);
      let t = start + rng.int(0, span - 20 * 86_400_000);
      for (let i = 0; i < visits; i++) {
        const source = rng.pick(SOURCES);
        const n = rng.int(1, 4);
        for (let j = 0; j < n; j++) {
          t += rng.int(10, 600) * 1000 + (unique++ % 991);
          const identify = user !== '' && (i > 0 || j > 0 || dv > 0) && rng.chance(0.5);
          const who = identify ? (rng.chance(0.1) ? `user${rng.int(41, 45)}` : user) : '';
          const name = rng.chance(0.8) ? 'page_view' : rng.pick(['signup', 'cta_click', 'scroll_depth']);
          out.push(cohortEvent(COHORT_SITE.id, visitor, t, name, { path: rng.pick(PATHS), user: who, source: j === 0 ? source : '' }));
        }
        t += rng.int(1, 21) * 86_400_000 + rng.int(0, 86_400_000);
        if (t > start + span) break;
      }
    }
  }
  return out;
}

/**
 * Site H, weeks from Monday 2024-01-01 (UTC): a1 browses anonymously, then identifies as alice the same
 * day; a2 (alice's phone) comes in week 3 already identified; b1 is anonymous in weeks 1 and 2 (a
 * persistent id); c1 is first seen in week 2 and signs up in week 4.
 */
export function handEvents(): CanonicalEvent[] {
  const H = HAND_SITE.id;
  const at = (s: string) => Date.parse(s);
  return [
    cohortEvent(H, 'a1', at('2024-01-02T10:00:00Z'), 'page_view', { path: '/', source: 'Google' }),
    cohortEvent(H, 'a1', at('2024-01-02T10:05:00Z'), 'identify', { user: 'alice' }),
    cohortEvent(H, 'a2', at('2024-01-16T09:00:00Z'), 'page_view', { path: '/pricing', user: 'alice', source: 'Twitter' }),
    cohortEvent(H, 'b1', at('2024-01-03T11:00:00Z'), 'page_view', { path: '/blog', source: 'Twitter' }),
    cohortEvent(H, 'b1', at('2024-01-09T11:00:00Z'), 'page_view', { path: '/' }),
    cohortEvent(H, 'c1', at('2024-01-10T12:00:00Z'), 'page_view', { path: '/', source: 'Google' }),
    cohortEvent(H, 'c1', at('2024-01-24T12:00:00Z'), 'signup', { path: '/' }),
  ];
}

/**
 * Events of site K received late (their times are earlier): received on 2024-03-20 (a rollup built up
 * to COHORT_NOW − 2 h stores them beside their hours' earlier rows) and at COHORT_NOW − 1 min (after any
 * rollup's watermark). Among them a late identify that moves a visitor to a user, a visitor's return
 * weeks later, and a visitor seen only late.
 */
export function lateCohortEvents(events: CanonicalEvent[]): CanonicalEvent[] {
  const site = events.filter((e) => e.site_id === COHORT_SITE.id);
  const anon = site.filter((e) => e.user_id === '');
  const mid = Date.parse('2024-03-20T00:00:00Z');
  const end = COHORT_NOW - 60_000;
  const late = (e: CanonicalEvent, receivedAt: number) => ({ ...e, received_at: receivedAt });
  const a = anon[3]!;
  const b = anon[40]!;
  const c = anon[90]!;
  return [
    late(cohortEvent(COHORT_SITE.id, a.visitor_id, a.ts + 1, 'identify', { user: 'user-late' }), end),
    late(cohortEvent(COHORT_SITE.id, b.visitor_id, b.ts + 2, 'page_view', { path: '/docs' }), mid),
    late(cohortEvent(COHORT_SITE.id, b.visitor_id, b.ts + 23 * 86_400_000 + 3, 'page_view', { path: '/' }), mid),
    late(cohortEvent(COHORT_SITE.id, c.visitor_id, c.ts + 3, 'identify', { user: 'user7' }), mid),
    late(cohortEvent(COHORT_SITE.id, c.visitor_id, c.ts + 30 * 86_400_000 + 5, 'page_view', { path: '/' }), end),
    late(cohortEvent(COHORT_SITE.id, 'late-only', Date.parse('2024-01-20T15:30:00Z'), 'page_view', { path: '/' }), end),
    late(cohortEvent(COHORT_SITE.id, 'late-only', Date.parse('2024-02-03T04:59:00Z'), 'page_view', { path: '/' }), mid),
  ];
}
