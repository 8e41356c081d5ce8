import type { CanonicalEvent } from '@tidemark/core';
import type { PreEvent } from '../types';

/** A blank pre-event; adapters fill in what their contract carries. */
export function newPreEvent(siteId: string, receivedAt: number, name: string, input: unknown): PreEvent {
  return {
    event_id: '', site_id: siteId, ts: receivedAt, received_at: receivedAt, name,
    visitor_id: '', session_id: '', user_id: '',
    url: '', host: '', path: '', title: '',
    referrer: '', referrer_domain: '', source: '',
    utm_source: '', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '',
    channel: '', country: '', region: '', city: '',
    browser: '', browser_version: '', os: '', os_version: '', device_type: '',
    screen_w: null, screen_h: null, viewport_w: null, viewport_h: null,
    language: '', timezone: '', props: {},
    revenue_amount: null, revenue_currency: '',
    x: null, y: null, selector: '', scroll_depth: null, engaged_ms: null,
    client_ts: null, client_visitor_id: '', client_session_id: '', client_ip: '', client_user_agent: '',
    input,
  };
}

/** Only the canonical columns leave the pipeline: client-sent transients (IPs included) stay behind. */
export function toCanonical(e: PreEvent): CanonicalEvent {
  return {
    event_id: e.event_id, site_id: e.site_id, ts: e.ts, received_at: e.received_at, name: e.name,
    visitor_id: e.visitor_id, session_id: e.session_id, user_id: e.user_id,
    url: e.url, host: e.host, path: e.path, title: e.title,
    referrer: e.referrer, referrer_domain: e.referrer_domain, source: e.source,
    utm_source: e.utm_source, utm_medium: e.utm_medium, utm_campaign: e.utm_campaign, utm_term: e.utm_term, utm_content: e.utm_content,
    channel: e.channel, country: e.country, region: e.region, city: e.city,
    browser: e.browser, browser_version: e.browser_version, os: e.os, os_version: e.os_version, device_type: e.device_type,
    screen_w: e.screen_w, screen_h: e.screen_h, viewport_w: e.viewport_w, viewport_h: e.viewport_h,
    language: e.language, timezone: e.timezone, props: e.props,
    revenue_amount: e.revenue_amount, revenue_currency: e.revenue_currency,
    x: e.x, y: e.y, selector: e.selector, scroll_depth: e.scroll_depth, engaged_ms: e.engaged_ms,
  };
}
