import { collectEventSchema, type CollectBody } from '@tidemark/core';
import { newPreEvent } from '../lib/pre-event';
import { currencyCode, customProps, FieldReader, readContractEvent, readPageFields, type AdaptedEvents } from './shared';

/** Property keys the collector maps to canonical columns (tracker README, "Reserved property keys"). */
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
  'user_id',
  'revenue_amount',
  'revenue_currency',
  'x',
  'y',
  'selector',
  'scroll_depth',
  'engaged_ms',
]);
// The PRD's own spellings, reserved only on the events that use them.
const REVENUE_ALIASES = new Set([...RESERVED, 'amount', 'currency']);
const SCROLL_ALIASES = new Set([...RESERVED, 'depth', 'depth_percentage']);

export interface InsightHubAdapted extends AdaptedEvents {
  /** Some event's context reported navigator.webdriver. */
  webdriver: boolean;
}

/**
 * Native contract (InsightHub PRD §7.1.1, tracker README "Wire format"): maps each event of a
 * validated envelope to a pre-event; events that fail their schema are returned as rejected.
 */
export function adaptInsightHub(body: CollectBody, siteId: string, receivedAt: number, headerVisitorId = ''): InsightHubAdapted {
  const out: InsightHubAdapted = { events: [], rejected: [], webdriver: false };
  const visitorId = body.visitor?.id?.trim() || headerVisitorId;
  const visitorUserId = body.visitor?.user_id?.trim() ?? '';
  body.events.forEach((input, i) => {
    const read = readContractEvent(collectEventSchema, input, `events.${i}`, out.rejected);
    if (!read) return;
    const { data: e, ts: clientTs } = read;
    const p = e.properties ?? {};
    const f = new FieldReader(p, `events.${i}.properties`);
    const ev = newPreEvent(siteId, receivedAt, e.name, input);
    ev.client_ts = clientTs;
    ev.event_id = e.event_id ?? '';
    ev.client_visitor_id = visitorId;
    ev.url = f.text('url');
    readPageFields(ev, f);
    ev.user_id = f.text('user_id', 300) || visitorUserId.slice(0, 300);
    ev.x = f.int('x', -1e6, 1e7);
    ev.y = f.int('y', -1e6, 1e8);
    ev.selector = f.text('selector', 300);
    ev.scroll_depth = f.int('scroll_depth', 0, 100);
    ev.engaged_ms = f.int('engaged_ms', 0, 7 * 86_400_000);
    ev.revenue_amount = f.num('revenue_amount', -1e12, 1e12);
    ev.revenue_currency = currencyCode(f.text('revenue_currency', 10));
    let reserved: ReadonlySet<string> = RESERVED;
    if (e.name === 'revenue' && ev.revenue_amount === null && f.has('amount')) {
      ev.revenue_amount = f.num('amount', -1e12, 1e12);
      ev.revenue_currency = currencyCode(f.text('currency', 10));
      reserved = REVENUE_ALIASES;
    }
    if (e.name === 'scroll_depth' && ev.scroll_depth === null && (f.has('depth') || f.has('depth_percentage'))) {
      ev.scroll_depth = f.int(f.has('depth') ? 'depth' : 'depth_percentage', 0, 100);
      reserved = SCROLL_ALIASES;
    }
    if (ev.revenue_amount !== null && !ev.revenue_currency) ev.revenue_currency = 'USD';
    const c = e.context;
    if (c) {
      ev.screen_w = c.screen_width ?? null;
      ev.screen_h = c.screen_height ?? null;
      ev.viewport_w = c.viewport_width ?? null;
      ev.viewport_h = c.viewport_height ?? null;
      ev.timezone = c.timezone ?? '';
      ev.language = c.language ?? '';
      ev.client_touch = c.touch ?? null;
      ev.client_mobile = c.mobile ?? null;
      if (c.webdriver) out.webdriver = true;
    }
    if (f.issues.length) {
      out.rejected.push({ reason: 'invalid_event', issues: f.issues, input });
      return;
    }
    ev.props = customProps(p, reserved);
    out.events.push(ev);
  });
  return out;
}
