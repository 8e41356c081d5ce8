import { createHash } from 'node:crypto';
import {
  METRICPAL_ACTION_TYPES,
  metricPalActionSchema,
  metricPalEventSchema,
  type MetricPalCollectBody,
  type MetricPalOptimizedBody,
} from '@tidemark/core';
import { newPreEvent } from '../lib/pre-event';
import type { PreEvent } from '../types';
import { currencyCode, customProps, FieldReader, IP_KEYS, propText, readContractEvent, readPageFields, type AdaptedEvents } from './shared';

const RESERVED = new Set([
  'url',
  'path',
  'title',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'user_agent',
  'userAgent',
  'scroll_depth',
  'final_scroll_depth',
  'revenue_amount',
  'revenue_currency',
]);
/** A `revenue` (or `purchase`) event may say `amount`/`currency` instead (as the browser tracker sends them). */
const REVENUE_ALIASES = new Set([...RESERVED, 'amount', 'currency']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * MetricPal event type → canonical name: `scroll` is `scroll_depth`, `custom` is named by
 * `properties.event_name`, `goal` by `properties.goal_name` (flagged `goal: true`, as our own tracker
 * sends goals); the other types keep their names.
 */
export function metricPalName(type: string, props: Record<string, unknown>): { name: string; consumed: string | null } {
  if (type === 'scroll') return { name: 'scroll_depth', consumed: null };
  if (type === 'custom' || type === 'goal') {
    const key = type === 'custom' ? 'event_name' : 'goal_name';
    const v = props[key];
    if (typeof v === 'string' && v.trim()) return { name: v.trim(), consumed: key };
    return { name: type, consumed: null };
  }
  return { name: type, consumed: null };
}

function sha1Emails(props: Record<string, string>): void {
  for (const k of Object.keys(props)) {
    const v = props[k].trim();
    if (EMAIL_RE.test(v)) props[k] = createHash('sha1').update(v.toLowerCase()).digest('hex');
  }
}

interface Common {
  siteId: string;
  receivedAt: number;
  privacyMode: boolean;
  input: unknown;
  prefix: string;
  type: string;
  timestamp: number | null;
  eventId: string;
  visitorId: string;
  sessionId: string;
  userAgent: string;
  url: string;
  properties: Record<string, unknown>;
}

/** Shared by both MetricPal contracts: everything after the payload's own shape is read. */
function toPreEvent(c: Common, rejected: AdaptedEvents['rejected']): PreEvent | null {
  const f = new FieldReader(c.properties, `${c.prefix}.properties`);
  const { name, consumed } = metricPalName(c.type, c.properties);
  const ev = newPreEvent(c.siteId, c.receivedAt, name, c.input);
  ev.client_ts = c.timestamp;
  ev.event_id = c.eventId;
  ev.client_visitor_id = c.visitorId;
  ev.client_session_id = c.sessionId;
  ev.client_user_agent = c.userAgent || f.text('user_agent', 1000) || f.text('userAgent', 1000);
  for (const k of IP_KEYS) {
    const v = c.properties[k];
    if (typeof v === 'string' && v.trim()) {
      ev.client_ip = v.trim().slice(0, 64);
      break;
    }
  }
  ev.url = c.url || f.text('url');
  readPageFields(ev, f);
  ev.scroll_depth = f.int(c.type === 'page_exit' && f.has('final_scroll_depth') ? 'final_scroll_depth' : 'scroll_depth', 0, 100);
  ev.revenue_amount = f.num('revenue_amount', -1e12, 1e12);
  ev.revenue_currency = currencyCode(f.text('revenue_currency', 10));
  let reserved: ReadonlySet<string> = RESERVED;
  if ((name === 'revenue' || name === 'purchase') && ev.revenue_amount === null && f.has('amount')) {
    ev.revenue_amount = f.num('amount', -1e12, 1e12);
    ev.revenue_currency = currencyCode(f.text('currency', 10));
    reserved = REVENUE_ALIASES;
  }
  if (ev.revenue_amount !== null && !ev.revenue_currency) ev.revenue_currency = 'USD';
  if (f.issues.length) {
    rejected.push({ reason: 'invalid_event', issues: f.issues, input: c.input });
    return null;
  }
  ev.props = customProps(c.properties, consumed ? new Set([...reserved, consumed]) : reserved);
  if (c.type === 'goal' && consumed) ev.props.goal = 'true';
  if (c.privacyMode) sha1Emails(ev.props);
  if (c.type === 'identify' || c.type === 'auto_identify') {
    ev.user_id = (ev.props.user_id ?? ev.props.email ?? '').slice(0, 300);
  }
  return ev;
}

/** `POST /api/v1/collect`: `user_id` is the visitor, `session_id` the session. */
export function adaptMetricPal(body: MetricPalCollectBody, siteId: string, receivedAt: number): AdaptedEvents {
  const out: AdaptedEvents = { events: [], rejected: [] };
  body.events.forEach((input, i) => {
    const read = readContractEvent(metricPalEventSchema, input, `events.${i}`, out.rejected);
    if (!read) return;
    const { data: e, ts } = read;
    const ev = toPreEvent(
      {
        siteId,
        receivedAt,
        input,
        prefix: `events.${i}`,
        privacyMode: !!body.privacy_mode,
        type: e.event_type,
        timestamp: ts,
        eventId: e.event_id ?? '',
        visitorId: e.user_id?.trim() ?? '',
        sessionId: e.session_id?.trim() ?? '',
        userAgent: '',
        url: '',
        properties: e.properties ?? {},
      },
      out.rejected,
    );
    if (ev) out.events.push(ev);
  });
  return out;
}

/** `POST /api/v1/collect/optimized`: an action log of one visitor and session, mapped by action_type. */
export function adaptMetricPalOptimized(body: MetricPalOptimizedBody, siteId: string, receivedAt: number): AdaptedEvents {
  const out: AdaptedEvents = { events: [], rejected: [] };
  const visitorId = body.userObject.uuid?.trim() ?? '';
  const sessionId = body.userObject.sessionData?.id?.trim() ?? '';
  const userAgent = body.userObject.userAgent?.trim() ?? '';
  body.actionLog.forEach((input, i) => {
    const read = readContractEvent(metricPalActionSchema, input, `actionLog.${i}`, out.rejected);
    if (!read) return;
    const { data: a, ts } = read;
    const known = Object.hasOwn(METRICPAL_ACTION_TYPES, a.action_type);
    const type = known ? METRICPAL_ACTION_TYPES[a.action_type] : 'custom';
    const properties: Record<string, unknown> = { ...(a.properties ?? {}) };
    for (const k of ['element', 'text', 'value'] as const) {
      const t = propText(a[k]);
      if (t !== null) properties[k] = t;
    }
    if (a.scroll_depth !== null && a.scroll_depth !== undefined) properties.scroll_depth = a.scroll_depth;
    if (!known) properties.action_type = a.action_type;
    const ev = toPreEvent(
      {
        siteId,
        receivedAt,
        input,
        prefix: `actionLog.${i}`,
        privacyMode: !!body.customerObject?.privacyMode,
        type,
        timestamp: ts,
        eventId: a.event_id ?? '',
        visitorId,
        sessionId,
        userAgent,
        url: a.url?.trim() ?? '',
        properties,
      },
      out.rejected,
    );
    if (ev) out.events.push(ev);
  });
  return out;
}
