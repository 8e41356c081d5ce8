import { createHash } from 'node:crypto';
import { segmentMessageSchema, type SegmentBatchBody, type SegmentMessage } from '@tidemark/core';
import type { DropIssue } from '../drop';
import { newPreEvent } from '../lib/pre-event';
import { isUuid } from '../lib/uuid';
import type { PreEvent } from '../types';
import { customProps, FieldReader, parseTimestamp, zodIssues, type AdaptedEvents } from './shared';

/** Page fields a `page` message may carry in its properties; the rest are custom properties. */
const PAGE_RESERVED = new Set(['url', 'path', 'title', 'referrer', 'search']);
const NONE = new Set<string>();

const HEX = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('hex');

/**
 * The event id of a message: its `messageId` is the dedupe key, but ours are UUIDs, so the id is
 * derived from the site and messageId (a retry of the message maps to the same id). With a client
 * timestamp it is laid out as a UUIDv7 of that time (ids of one time sort together, which keeps the
 * embedded store's dedupe probe narrow); without one it is a name-based UUIDv8. A messageId that is
 * already a UUIDv7 is kept as it is.
 */
export function segmentEventId(siteId: string, messageId: string, clientTs: number | null): string {
  if (isUuid(messageId) && messageId[14] === '7') return messageId.toLowerCase();
  const h = createHash('sha256').update(`segment\n${siteId}\n${messageId}`).digest();
  const variant = ((h[8] & 0x3f) | 0x80).toString(16).padStart(2, '0');
  const tail = `-${variant}${HEX(h, 9, 10)}-${HEX(h, 10, 16)}`;
  if (clientTs !== null && Number.isFinite(clientTs) && clientTs >= 0 && clientTs < 2 ** 48) {
    const t = Math.floor(clientTs).toString(16).padStart(12, '0');
    return `${t.slice(0, 8)}-${t.slice(8)}-7${HEX(h, 0, 2).slice(1)}${tail}`;
  }
  return `${HEX(h, 0, 4)}-${HEX(h, 4, 6)}-8${HEX(h, 6, 8).slice(1)}${tail}`;
}

const asObject = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** What a message type requires besides an id (Segment's HTTP API rules). */
function missing(m: SegmentMessage): string | null {
  if (m.type === 'track' && !m.event?.trim()) return 'event is required for track';
  if (m.type === 'group' && !String(m.groupId ?? '').trim()) return 'groupId is required for group';
  if (m.type === 'alias' && !String(m.previousId ?? '').trim()) return 'previousId is required for alias';
  return null;
}

const NAMES: Record<SegmentMessage['type'], (m: SegmentMessage) => string> = {
  track: (m) => m.event!.trim(),
  page: () => 'page_view',
  screen: () => 'screen_view',
  identify: () => 'identify',
  group: () => 'group',
  alias: () => 'alias',
};

/** Context fields Segment libraries send (`context.page`, `campaign`, `screen`, `ip`, `userAgent` …). */
function applyContext(ev: PreEvent, context: Record<string, unknown>, path: string, issues: DropIssue[]): void {
  const c = new FieldReader(context, `${path}.context`);
  ev.client_ip = c.text('ip', 64);
  ev.client_user_agent = c.text('userAgent', 1000);
  ev.language = c.text('locale', 35);
  ev.timezone = c.text('timezone', 64);
  ev.client_session_id = c.text('sessionId', 128);
  const page = new FieldReader(asObject(context.page), `${path}.context.page`);
  ev.url = page.text('url');
  ev.path = page.text('path', 2000);
  ev.title = page.text('title', 2000);
  ev.referrer = page.text('referrer', 2000);
  const campaign = new FieldReader(asObject(context.campaign), `${path}.context.campaign`);
  ev.utm_source = campaign.text('source', 300);
  ev.utm_medium = campaign.text('medium', 300);
  ev.utm_campaign = campaign.text('name', 300);
  ev.utm_term = campaign.text('term', 300);
  ev.utm_content = campaign.text('content', 300);
  const screen = new FieldReader(asObject(context.screen), `${path}.context.screen`);
  ev.screen_w = screen.int('width', 0, 100_000);
  ev.screen_h = screen.int('height', 0, 100_000);
  issues.push(...c.issues, ...page.issues, ...campaign.issues, ...screen.issues);
}

/**
 * Segment-compatible messages (`/v1/batch` and the single-message endpoints) → pre-events. The
 * visitor is the anonymousId, else the userId; `userId` becomes the event's user id. track keeps its
 * event name; page is `page_view`, screen `screen_view`; identify is the canonical `identify` event
 * with the traits as its properties; group and alias keep their ids as properties.
 */
export function adaptSegment(body: SegmentBatchBody, siteId: string, receivedAt: number): AdaptedEvents {
  const out: AdaptedEvents = { events: [], rejected: [] };
  const batchContext = body.context ?? {};
  body.batch.forEach((input, i) => {
    const path = `batch.${i}`;
    const parsed = segmentMessageSchema.safeParse(input);
    if (!parsed.success) {
      out.rejected.push({ reason: 'invalid_event', issues: zodIssues(parsed.error, path), input });
      return;
    }
    const m = parsed.data;
    const userId = String(m.userId ?? '').trim();
    const anonymousId = String(m.anonymousId ?? '').trim();
    if (!userId && !anonymousId) {
      out.rejected.push({ reason: 'invalid_event', issues: [{ path, message: 'userId or anonymousId is required' }], input });
      return;
    }
    const lacking = missing(m);
    if (lacking) {
      out.rejected.push({ reason: 'invalid_event', issues: [{ path, message: lacking }], input });
      return;
    }
    const ts = parseTimestamp(m.timestamp ?? m.originalTimestamp);
    if (ts !== null && Number.isNaN(ts)) {
      out.rejected.push({ reason: 'invalid_timestamp', issues: [{ path: `${path}.timestamp`, message: 'unreadable timestamp' }], input });
      return;
    }
    const ev = newPreEvent(siteId, receivedAt, NAMES[m.type](m), input);
    ev.client_ts = ts;
    ev.event_id = m.messageId?.trim() ? segmentEventId(siteId, m.messageId.trim(), ts) : '';
    ev.client_visitor_id = anonymousId || userId;
    ev.user_id = userId.slice(0, 300);
    const issues: DropIssue[] = [];
    applyContext(ev, { ...batchContext, ...(m.context ?? {}) }, path, issues);
    const properties = m.properties ?? {};
    let props: Record<string, string>;
    if (m.type === 'page' || m.type === 'screen') {
      const p = new FieldReader(properties, `${path}.properties`);
      ev.url = p.text('url') || ev.url;
      ev.path = p.text('path', 2000) || ev.path;
      ev.title = p.text('title', 2000) || ev.title;
      ev.referrer = p.text('referrer', 2000) || ev.referrer;
      issues.push(...p.issues);
      props = customProps(properties, PAGE_RESERVED);
      if (m.name) props.name = m.name;
      if (m.category) props.category = m.category;
    } else if (m.type === 'identify') {
      const context = asObject(m.context);
      props = customProps(m.traits ?? asObject(context?.traits), NONE);
    } else if (m.type === 'group') {
      props = { ...customProps(m.traits, NONE), group_id: String(m.groupId) };
    } else if (m.type === 'alias') {
      props = { previous_id: String(m.previousId) };
    } else props = customProps(properties, NONE);
    if (issues.length) {
      out.rejected.push({ reason: 'invalid_event', issues, input });
      return;
    }
    ev.props = props;
    out.events.push(ev);
  });
  return out;
}
