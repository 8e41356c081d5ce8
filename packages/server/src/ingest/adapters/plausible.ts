import { INGEST_LIMITS, plausibleEventSchema, type PlausibleEvent } from '@tidemark/core';
import { newPreEvent } from '../lib/pre-event';
import type { AdaptInput, ContractAdapted } from '../contracts';
import type { DropIssue } from '../drop';
import { currencyCode, propText, zodIssues } from './shared';

/** Plausible's own limit on properties per event (more are dropped, not refused). */
const MAX_PROPS = 30;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const first = <T>(...vs: Array<T | null | undefined>): T | null => {
  for (const v of vs) if (v !== null && v !== undefined) return v;
  return null;
};

/** The host a Plausible body names its site by: `d`/`domain` (the first of a comma-separated list), else the URL's host. */
export function plausibleSiteRef(json: unknown): string | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  const d = typeof o.d === 'string' ? o.d : typeof o.domain === 'string' ? o.domain : '';
  const named = d.split(',')[0]?.trim() ?? '';
  if (named) return named.slice(0, 253);
  const u = typeof o.u === 'string' ? o.u : typeof o.url === 'string' ? o.url : '';
  try {
    return new URL(u).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** Props as an object or its JSON text; only scalar values are kept (Plausible drops lists and maps). */
function readProps(v: unknown, issues: DropIssue[]): Record<string, string> {
  let obj = v;
  if (typeof v === 'string') {
    if (!v.trim()) return {};
    try {
      obj = JSON.parse(v);
    } catch {
      issues.push({ path: 'p', message: 'props must be an object or its JSON text' });
      return {};
    }
  }
  if (obj === null || obj === undefined) return {};
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    issues.push({ path: 'p', message: 'props must be an object' });
    return {};
  }
  const out: Record<string, string> = {};
  for (const k of Object.keys(obj)) {
    if (Object.keys(out).length >= MAX_PROPS) break;
    const val = (obj as Record<string, unknown>)[k];
    if (FORBIDDEN_KEYS.has(k) || !k || val === null || typeof val === 'object') continue;
    const t = propText(val);
    if (t !== null) out[k] = t;
  }
  return out;
}

function readRevenue(v: PlausibleEvent['$'], issues: DropIssue[]): { amount: number | null; currency: string } {
  let r: unknown = v;
  if (typeof v === 'string') {
    try {
      r = JSON.parse(v);
    } catch {
      issues.push({ path: '$', message: 'revenue must be {amount, currency}' });
      return { amount: null, currency: '' };
    }
  }
  if (!r || typeof r !== 'object') return { amount: null, currency: '' };
  const o = r as { amount?: unknown; currency?: unknown };
  const amount = typeof o.amount === 'number' ? o.amount : typeof o.amount === 'string' ? Number(o.amount) : NaN;
  const currency = currencyCode(typeof o.currency === 'string' ? o.currency : '');
  if (!Number.isFinite(amount) || Math.abs(amount) > 1e12 || !currency) {
    issues.push({ path: '$', message: 'revenue needs a numeric amount and an ISO 4217 currency' });
    return { amount: null, currency: '' };
  }
  return { amount, currency };
}

/**
 * Plausible's Events API (`POST /api/event`): one event per request. `pageview` is our `page_view`;
 * `engagement` (sent when a page is hidden or left, with `sd` the deepest scroll in % and `e` the
 * engaged ms since the last one) is our `page_exit`, so time on page and scroll depth use it; other
 * names are kept as sent (goals named "Outbound Link: Click" keep matching). Hash-mode (`h`) pages
 * keep their fragment in the path. The event carries no id: its content is the dedupe key.
 */
export function adaptPlausible(body: unknown, input: AdaptInput): ContractAdapted {
  const out: ContractAdapted = { events: [], rejected: [] };
  const parsed = plausibleEventSchema.safeParse(body);
  if (!parsed.success) {
    out.rejected.push({ reason: 'invalid_event', issues: zodIssues(parsed.error), input: body });
    return out;
  }
  const e = parsed.data;
  const issues: DropIssue[] = [];
  const rawName = (first(e.n, e.name) ?? '').trim();
  const url = (first(e.u, e.url) ?? '').trim();
  if (!rawName) issues.push({ path: 'n', message: 'event name is required' });
  else if (rawName.length > INGEST_LIMITS.nameChars)
    issues.push({ path: 'n', message: `event name longer than ${INGEST_LIMITS.nameChars}` });
  if (!url) issues.push({ path: 'u', message: 'url is required' });
  const props = readProps(first<unknown>(e.p, e.props, e.m, e.meta), issues);
  const revenue = readRevenue(first(e.$, e.revenue), issues);
  if (issues.length) {
    out.rejected.push({ reason: 'invalid_event', issues, input: body });
    return out;
  }
  const engagement = rawName === 'engagement';
  const name = rawName === 'pageview' ? 'page_view' : engagement ? 'page_exit' : rawName;
  const ev = newPreEvent(input.siteId, input.receivedAt, name, body);
  ev.url = url.slice(0, INGEST_LIMITS.urlChars);
  const hash = first(e.h, e.hashMode);
  if (hash === 1 || hash === true) {
    try {
      const u = new URL(ev.url);
      ev.path = (u.pathname || '/') + u.hash;
    } catch {
      // the page step reports the unreadable URL
    }
  }
  ev.referrer = (first(e.r, e.referrer) ?? '').slice(0, 2000);
  ev.screen_w = e.w ?? null;
  ev.props = props;
  ev.revenue_amount = revenue.amount;
  ev.revenue_currency = revenue.currency;
  if (engagement) {
    ev.scroll_depth = e.sd === null || e.sd === undefined ? null : Math.round(e.sd);
    ev.engaged_ms = e.e === null || e.e === undefined ? null : Math.round(e.e);
  }
  ev.dedupe_key = JSON.stringify([
    name,
    ev.url,
    ev.path,
    ev.referrer,
    props,
    revenue.amount,
    revenue.currency,
    ev.scroll_depth,
    ev.engaged_ms,
  ]);
  out.events.push(ev);
  return out;
}
