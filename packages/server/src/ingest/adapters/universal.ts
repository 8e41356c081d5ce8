import { universalEventSchema, type UniversalBody } from '@tidemark/core';
import type { AdaptInput } from '../contracts';
import type { DropIssue } from '../drop';
import { newPreEvent } from '../lib/pre-event';
import { customProps, parseTimestamp, zodIssues, type AdaptedEvents } from './shared';

/** Keys of the contract itself; every other key of an event is a custom property. */
const RESERVED = new Set([
  'evt_type',
  'page_url',
  'page_title',
  'session_id',
  'event_timestamp',
  'tenantId',
  'tenant_id',
  'user_agent',
  'userAgent',
]);

const present = (v: string | null | undefined): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Universal Site Tracking §4 events → pre-events named by `evt_type`, with `evt_category`,
 * `evt_action`, `evt_label` and `evt_value` kept as properties of those names (what
 * `/api/tracking/analytics` counts), the client's `session_id` as `client_session_id`, and the other
 * keys as custom properties. The contract's
 * staging rules reject an event with its own messages: no evt_type ("Missing evt_type"), an
 * item_interaction without evt_label ("Item interaction missing item identifier"), a
 * transaction_step without evt_action ("Transaction step missing action"), and a tenantId other
 * than the request's site ("Invalid tenant_id").
 */
export function adaptUniversal(body: UniversalBody, input: AdaptInput): AdaptedEvents {
  const out: AdaptedEvents = { events: [], rejected: [] };
  const single = body.events.length === 1;
  body.events.forEach((raw, i) => {
    const path = single ? '' : `${i}`;
    const at = (key: string) => (path ? `${path}.${key}` : key);
    const parsed = universalEventSchema.safeParse(raw);
    if (!parsed.success) {
      out.rejected.push({ reason: 'invalid_event', issues: zodIssues(parsed.error, path), input: raw });
      return;
    }
    const e = parsed.data;
    const issues: DropIssue[] = [];
    const tenant = e.tenantId ?? e.tenant_id;
    if (present(tenant) && tenant.trim() !== input.trackingId) issues.push({ path: at('tenantId'), message: 'Invalid tenant_id' });
    const type = e.evt_type?.trim() ?? '';
    if (!type) issues.push({ path: at('evt_type'), message: 'Missing evt_type' });
    if (type === 'item_interaction' && !present(e.evt_label))
      issues.push({ path: at('evt_label'), message: 'Item interaction missing item identifier' });
    if (type === 'transaction_step' && !present(e.evt_action))
      issues.push({ path: at('evt_action'), message: 'Transaction step missing action' });
    const ts = parseTimestamp(e.event_timestamp);
    if (ts !== null && Number.isNaN(ts)) issues.push({ path: at('event_timestamp'), message: 'unreadable timestamp' });
    if (issues.length) {
      out.rejected.push({
        reason: ts !== null && Number.isNaN(ts) && issues.length === 1 ? 'invalid_timestamp' : 'invalid_event',
        issues,
        input: raw,
      });
      return;
    }
    const ev = newPreEvent(input.siteId, input.receivedAt, type, raw);
    ev.client_ts = ts;
    ev.url = e.page_url?.trim() || input.pageHeader;
    ev.title = e.page_title?.trim() ?? '';
    ev.client_session_id = e.session_id?.trim() ?? '';
    const props = customProps(e, RESERVED);
    for (const key of ['evt_category', 'evt_action', 'evt_label'] as const) {
      const v = e[key]?.trim();
      if (v) props[key] = v;
      else delete props[key];
    }
    if (ev.client_session_id) props.client_session_id = ev.client_session_id;
    ev.props = props;
    out.events.push(ev);
  });
  return out;
}
