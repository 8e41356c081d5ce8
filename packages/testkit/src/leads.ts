import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Prng } from './prng';
import { uuidv7 } from './uuid';

/**
 * People with a hidden propensity to convert, for lead scoring's tests: the propensity (standard
 * normal, known only to the test) drives behaviours the features can see — more and longer sessions,
 * pricing, docs and contact pages, deeper scrolls, forms started and submitted, identification, paid or e-mail
 * arrivals, desktop — and each session after the first converts (a `signup` event, a `/thanks` page
 * view) with a chance rising with it. With `drift`, sessions from that time on convert only for
 * people who viewed the drift page before it (viewed at random, whatever their propensity): the old
 * behaviour stops predicting, as when a site changes what it sells.
 */
export interface LeadTrafficOptions {
  siteId: string;
  seed: string;
  people: number;
  /** People arrive uniformly over [start, end); no event is at or after `end`. */
  start: number;
  end: number;
  drift?: { from: number; path: string };
}

export interface LeadPerson {
  visitor_id: string;
  user_id: string | null;
  propensity: number;
  /** Times of the person's conversions (signup events). */
  conversions: number[];
}

const DAY = 86_400_000;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function generateLeadTraffic(o: LeadTrafficOptions): { events: CanonicalEvent[]; people: LeadPerson[] } {
  const rng = new Prng(o.seed);
  const events: CanonicalEvent[] = [];
  const people: LeadPerson[] = [];
  // Ids from their own sequence: the same seed gives the same people whatever ids are drawn.
  const ids = new Prng(`${o.seed}:ids`);
  for (let i = 0; i < o.people; i++) {
    const z = rng.normal();
    const visitor = `lv${i}`;
    const person: LeadPerson = { visitor_id: visitor, user_id: null, propensity: z, conversions: [] };
    people.push(person);
    const channel = rng.chance(sigmoid(-1 + z))
      ? rng.chance(0.5)
        ? 'Paid Search'
        : 'Email'
      : rng.chance(0.6)
        ? 'Organic Search'
        : 'Direct';
    const device = rng.chance(sigmoid(-0.3 - 0.6 * z)) ? 'mobile' : 'desktop';
    const sessions = 1 + Math.min(14, rng.poisson(Math.exp(0.4 + 0.6 * z)));
    const meanGapDays = 5 * Math.exp(-0.3 * z);
    let t = o.start + Math.floor(rng.next() * (o.end - o.start));
    let sawDrift = false;
    for (let s = 0; s < sessions && t < o.end; s++) {
      const sid = `${visitor}-s${s}`;
      const at = (name: string, path: string, more: Partial<CanonicalEvent> = {}) => {
        if (t >= o.end) return;
        const e = emptyEvent({ event_id: uuidv7(t, ids), site_id: o.siteId, ts: t, received_at: t, name });
        Object.assign(e, {
          visitor_id: visitor,
          session_id: sid,
          user_id: person.user_id ?? '',
          path,
          host: 'example.com',
          url: `https://example.com${path}`,
          channel,
          source: channel === 'Direct' ? '' : channel === 'Email' ? 'newsletter' : 'Google',
          device_type: device,
          ...more,
        });
        events.push(e);
        t += 1000 + rng.int(0, 60_000);
      };
      const pages = 1 + rng.poisson(Math.exp(0.2 + 0.4 * z));
      for (let p = 0; p < pages; p++) {
        const roll = rng.next();
        const path =
          o.drift && rng.chance(0.12)
            ? o.drift.path
            : roll < sigmoid(-1.5 + 1.2 * z) * 0.5
              ? '/pricing'
              : roll < 0.6
                ? '/blog'
                : rng.chance(sigmoid(-1 + z))
                  ? '/docs/start'
                  : rng.chance(sigmoid(-2 + z))
                    ? '/contact'
                    : '/';
        if (o.drift && path === o.drift.path && t < o.drift.from) sawDrift = true;
        at('page_view', path);
        if (rng.chance(0.7)) {
          const depth = Math.max(0, Math.min(100, Math.round(45 + 18 * z + 20 * rng.normal())));
          at('page_exit', path, { engaged_ms: Math.round(rng.logNormal(20_000 * Math.exp(0.5 * z), 0.6)), scroll_depth: depth });
        }
      }
      // A form started (focus), then submitted or abandoned.
      if (rng.chance(sigmoid(-1.5 + z))) {
        at('form_focus', '/contact');
        if (rng.chance(sigmoid(-0.7 + 1.2 * z))) at('form_submit', '/contact');
        else at('form_abandon', '/contact');
      }
      if (!person.user_id && rng.chance(sigmoid(-2 + z))) {
        person.user_id = `lead${i}`;
        at('identify', '/', { user_id: person.user_id, props: { plan: 'trial' } });
      }
      const drifted = o.drift !== undefined && t >= o.drift.from;
      const chance = drifted ? (sawDrift ? 0.5 : 0.01) : s === 0 ? 0 : sigmoid(-2.6 + 1.8 * z);
      if (t < o.end && rng.chance(chance)) {
        person.conversions.push(t);
        at('signup', '/thanks');
        at('page_view', '/thanks');
      }
      t += Math.round(rng.logNormal(meanGapDays * DAY, 0.8));
    }
  }
  return { events: events.sort((a, b) => a.ts - b.ts), people };
}
