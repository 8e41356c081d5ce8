import { emptyEvent, type CanonicalEvent, type GoalDefinition } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import { assignmentUnit, variantFor } from '../../src/experiments';

/**
 * Events for the experiments suite on site X. People visit in 1–3 sessions from a day before the
 * experiment's window to a day after it; some identify part-way (their unit then changes to the user id),
 * some users have a second device. Pages call the experiment (exposure, variant by the real assignment)
 * in most sessions; goal events (signup with a plan, the /thanks page) and revenue events happen before
 * or after the exposure. Experiment `skewed` loses a third of its treatment exposures (a broken variant
 * page), which the sample-ratio check must notice. Every timestamp is distinct.
 */
export const EXP_SITE = 'site-x';
export const EXP_START = Date.parse('2024-03-01T00:00:00Z');
export const EXP_END = Date.parse('2024-03-08T00:00:00Z');
export const CHECKOUT = {
  key: 'checkout',
  variants: [
    { key: 'control', weight: 1 },
    { key: 'express', weight: 2 },
    { key: 'oneclick', weight: 1 },
  ],
};
export const SKEWED = {
  key: 'skewed',
  variants: [
    { key: 'control', weight: 1 },
    { key: 'treatment', weight: 1 },
  ],
};
export const PRO_SIGNUP: GoalDefinition = {
  id: 'g-pro',
  name: 'Pro signup',
  type: 'event',
  match: { event_name: 'signup', event_properties: { plan: 'pro' } },
};
export const THANKS: GoalDefinition = { id: 'g-thanks', name: 'Thanks page', type: 'destination', match: { path: '/thanks' } };

const DAY = 86_400_000;
let seq = 0;
const uuid = (n: number) => `00000000-0000-4000-b000-${String(n).padStart(12, '0')}`;

function event(visitor: string, session: string, ts: number, name: string, o: Partial<CanonicalEvent> = {}): CanonicalEvent {
  seq += 1;
  const e = emptyEvent({ event_id: uuid(seq), site_id: EXP_SITE, ts, received_at: ts, name });
  Object.assign(e, { visitor_id: visitor, session_id: session, path: '/', host: 'shop.example', url: 'https://shop.example/' }, o);
  return e;
}

export function experimentEvents(people = 900): CanonicalEvent[] {
  const rng = new Prng('experiments-suite');
  const out: CanonicalEvent[] = [];
  let clock = 0;
  for (let p = 0; p < people; p++) {
    const user = rng.next() < 0.35 ? `user-${p}` : '';
    const devices = user && rng.next() < 0.3 ? 2 : 1;
    for (let dev = 0; dev < devices; dev++) {
      const visitor = `vis-${p}-${dev}`;
      const sessions = 1 + Math.floor(rng.next() * 3);
      // Identifies in one of the sessions (or never on this device): from then on events carry the user id.
      const identifyAt = user ? Math.floor(rng.next() * (sessions + 1)) : sessions + 1;
      for (let s = 0; s < sessions; s++) {
        clock += 7;
        const start = EXP_START - DAY + Math.floor(rng.next() * 9 * DAY) + clock;
        const session = `${visitor}-s${s}`;
        let t = start;
        const next = () => (t += 1000 + Math.floor(rng.next() * 60_000));
        const uid = s >= identifyAt ? user : '';
        if (s === identifyAt) out.push(event(visitor, session, next(), 'identify', { user_id: user }));
        out.push(event(visitor, session, next(), 'page_view', { user_id: uid }));
        const before = rng.next() < 0.3;
        const convert = () => {
          const r = rng.next();
          if (r < 0.25)
            out.push(event(visitor, session, next(), 'signup', { user_id: uid, props: { plan: rng.next() < 0.6 ? 'pro' : 'free' } }));
          else if (r < 0.45)
            out.push(event(visitor, session, next(), 'page_view', { user_id: uid, path: '/thanks', url: 'https://shop.example/thanks' }));
          else if (r < 0.6)
            out.push(
              event(visitor, session, next(), 'revenue', {
                user_id: uid,
                revenue_amount: 5 + Math.floor(rng.next() * 200) / 2,
                revenue_currency: 'EUR',
              }),
            );
        };
        if (before) convert();
        if (rng.next() < 0.8) {
          const unit = assignmentUnit(visitor, uid);
          const variant = variantFor(CHECKOUT.key, unit, CHECKOUT.variants);
          out.push(event(visitor, session, next(), '$exposure', { user_id: uid, props: { key: CHECKOUT.key, variant } }));
          // A second page of the same session exposes again (the store keeps each event; counting is by session).
          if (rng.next() < 0.3)
            out.push(event(visitor, session, next(), '$exposure', { user_id: uid, props: { key: CHECKOUT.key, variant } }));
          const skewed = variantFor(SKEWED.key, unit, SKEWED.variants);
          if (skewed === 'control' || rng.next() < 0.6)
            out.push(event(visitor, session, next(), '$exposure', { user_id: uid, props: { key: SKEWED.key, variant: skewed } }));
        }
        if (rng.next() < 0.5) convert();
        // A variant name of another experiment's key never counts here.
        if (rng.next() < 0.1)
          out.push(event(visitor, session, next(), '$exposure', { user_id: uid, props: { key: 'other', variant: 'control' } }));
      }
    }
  }
  return out;
}
