import { TECHSTORE_EVENT_NAMES, techStoreTrackSchema, type TechStoreBody } from '@tidemark/core';
import type { AdaptInput } from '../contracts';
import { newPreEvent } from '../lib/pre-event';
import { customProps, FieldReader, readContractEvent, readPageFields, type AdaptedEvents } from './shared';

/** Property keys mapped to canonical columns. */
const RESERVED = new Set(['url', 'path', 'title', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content']);
/** How the tracker names a scroll milestone's depth (`{depth: 25}`), on the events renamed to scroll_depth. */
const SCROLL_KEYS = ['depth', 'scrollDepth', 'scroll_depth'] as const;

/** The canonical name of a TechStore event (TECHSTORE_EVENT_NAMES), else its own. */
export function techStoreName(event: string): string {
  return Object.hasOwn(TECHSTORE_EVENT_NAMES, event) ? TECHSTORE_EVENT_NAMES[event]! : event;
}

/**
 * TechStore PRD §2.4.2 `track(eventName, properties)` → a pre-event: names mapped to canonical ones
 * where one exists (the original kept as `techstore_event`), `user_id` as the event's user id (and
 * the visitor of a server-side request), `session_id` as a server-side request's session. The tracker
 * sends no page URL: the page the request came from stands in unless the properties name one.
 */
export function adaptTechStore(body: TechStoreBody, input: AdaptInput): AdaptedEvents {
  const out: AdaptedEvents = { events: [], rejected: [] };
  for (const raw of body.events) {
    const read = readContractEvent(techStoreTrackSchema, raw, '', out.rejected);
    if (!read) continue;
    const { data: e, ts } = read;
    const p = e.properties ?? {};
    const f = new FieldReader(p, 'properties');
    const name = techStoreName(e.event.trim());
    const ev = newPreEvent(input.siteId, input.receivedAt, name, raw);
    ev.client_ts = ts;
    ev.event_id = e.event_id ?? '';
    ev.url = f.text('url') || input.pageHeader;
    readPageFields(ev, f);
    const userId = String(e.user_id ?? '').trim();
    ev.user_id = userId.slice(0, 300);
    ev.client_visitor_id = userId;
    ev.client_session_id = String(e.session_id ?? '').trim();
    let reserved: ReadonlySet<string> = RESERVED;
    if (name === 'scroll_depth') {
      const key = SCROLL_KEYS.find((k) => f.has(k));
      if (key) {
        ev.scroll_depth = f.int(key, 0, 100);
        reserved = new Set([...RESERVED, key]);
      }
    }
    if (f.issues.length) {
      out.rejected.push({ reason: 'invalid_event', issues: f.issues, input: raw });
      continue;
    }
    ev.props = customProps(p, reserved);
    if (name !== e.event.trim()) ev.props.techstore_event = e.event.trim();
    if (ev.client_session_id) ev.props.client_session_id = ev.client_session_id.slice(0, 255);
    out.events.push(ev);
  }
  return out;
}
