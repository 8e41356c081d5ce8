import { createHmac } from 'node:crypto';
import { drop } from '../drop';
import { endUserAgent, endUserIp } from '../lib/end-user';
import { isUuid, uuidv7, uuidv7From } from '../lib/uuid';
import type { NamedStep, PreEvent, RequestContext } from '../types';

/**
 * Contracts without event ids (Plausible, Umami) repeat an identical request within this window as a
 * retry: the same visitor (IP and user agent), the same event content, the same 10-second window give
 * the same id, which the store keeps once. With the client's own event time the window is not needed.
 */
export const DERIVED_ID_WINDOW_MS = 10_000;

/** The deterministic id of an event without a client id: keyed by today's salt, so it reveals nothing of the IP. */
export function derivedEventId(ev: PreEvent, ctx: RequestContext): string {
  const ms = ev.dedupe_exact && ev.client_ts !== null ? ev.client_ts : Math.floor(ev.ts / DERIVED_ID_WINDOW_MS) * DERIVED_ID_WINDOW_MS;
  const digest = createHmac('sha256', ctx.salts.current.salt)
    .update(`${ctx.site.id}\n${ctx.contract}\n${endUserIp(ev, ctx)}\n${endUserAgent(ev, ctx)}\n${ms}\n${ev.dedupe_key}`)
    .digest();
  return uuidv7From(ms, digest);
}

/**
 * The client's event id (the dedupe key across retries) when it sent one; else the id derived from
 * the event's content for contracts that carry none; else a new UUIDv7.
 */
export const eventIdStep: NamedStep = {
  name: 'event-id',
  run: (ev, ctx) => {
    if (!ev.event_id) {
      ev.event_id = ev.dedupe_key ? derivedEventId(ev, ctx) : uuidv7(ev.ts);
      return ev;
    }
    if (!isUuid(ev.event_id)) return drop('invalid_event_id', 'event_id must be a UUID', 'event_id');
    ev.event_id = ev.event_id.toLowerCase();
    return ev;
  },
};
