import { createHash } from 'node:crypto';
import { emptyEvent, INGEST_LIMITS, wellFormed, type CanonicalEvent } from '@tidemark/core';
import { channelFor, referrerDomain, sourceForHost } from '../ingest';
import { importVisitorPrefix } from '../store';

/**
 * Events read from another tool's export (Umami) or a generic events CSV become canonical events
 * directly, not through the collection pipeline: they carry no request (no IP, user agent or consent
 * signal to check), and their time is the recorded one. What the pipeline derives from a URL and a
 * referrer (host, path, referrer domain, source, channel) is derived here with the same functions.
 *
 * Idempotent: each event's id is a UUIDv7 of its time whose other bits hash the import id and the row's
 * position, so importing the same file again stores nothing twice (the store deduplicates by id).
 * Record source: visitor ids are `imp-<import>-<hash of the exported id>`, which also lets a delete of
 * the import find exactly its events. Without a session id, a visitor's events are cut into sessions
 * at gaps over 30 minutes (DESIGN §4).
 */
export interface ImportedEventRow {
  ts: number;
  name: string;
  url: string;
  title: string;
  referrer: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  country: string;
  device: string;
  browser: string;
  os: string;
  language: string;
  visitor: string;
  session: string;
  /** Custom properties (Umami's event data, `prop_<key>` columns of an events CSV). */
  props?: Record<string, string>;
}

const SESSION_GAP_MS = 30 * 60_000;
const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** A UUIDv7 whose 74 non-time bits come from `seed` (hex), so the same row gets the same id. */
export function deterministicUuidV7(ms: number, seed: string): string {
  const t = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const h = seed.padEnd(32, '0');
  const variant = ((Number.parseInt(h[15]!, 16) & 0x3) | 0x8).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${h.slice(0, 3)}-${variant}${h.slice(3, 6)}-${h.slice(6, 18)}`;
}

function splitUrl(url: string): { host: string; path: string; url: string } {
  if (!url) return { host: '', path: '', url: '' };
  try {
    const u = new URL(url.startsWith('/') ? `http://unknown${url}` : url);
    const host = url.startsWith('/') ? '' : u.hostname.toLowerCase();
    return { host, path: decodeSafe(u.pathname) || '/', url: url.startsWith('/') ? '' : `${u.origin}${u.pathname}${u.search}` };
  } catch {
    return { host: '', path: url.startsWith('/') ? url.split(/[?#]/)[0]! : '', url: '' };
  }
}

function decodeSafe(p: string): string {
  try {
    return decodeURI(p);
  } catch {
    return p;
  }
}

const cut = (s: string, n: number) => wellFormed(s).slice(0, n);

export function toCanonicalEvents(
  siteId: string,
  importId: string,
  rows: readonly ImportedEventRow[],
  receivedAt: number,
): CanonicalEvent[] {
  const prefix = importVisitorPrefix(importId);
  const events = rows.map((r, i) => {
    const page = splitUrl(r.url);
    const domain = referrerDomain(r.referrer);
    const ev = emptyEvent({
      event_id: deterministicUuidV7(r.ts, hash(importId, String(i))),
      site_id: siteId,
      ts: r.ts,
      received_at: receivedAt,
      name: cut(r.name || 'page_view', 120),
    });
    ev.visitor_id = `${prefix}${hash(importId, 'v', r.visitor || r.session || `row:${i}`).slice(0, 32)}`;
    ev.session_id = r.session ? `${prefix}${hash(importId, 's', r.session).slice(0, 32)}` : '';
    ev.url = cut(page.url, 2000);
    ev.host = cut(page.host, 253);
    ev.path = cut(page.path, 2000);
    ev.title = cut(r.title, 2000);
    ev.referrer = domain ? cut(r.referrer.split(/[?#]/)[0]!, 2000) : '';
    ev.referrer_domain = cut(domain, 253);
    ev.utm_source = cut(r.utm_source, 300);
    ev.utm_medium = cut(r.utm_medium, 300);
    ev.utm_campaign = cut(r.utm_campaign, 300);
    ev.utm_term = cut(r.utm_term, 300);
    ev.utm_content = cut(r.utm_content, 300);
    ev.source = cut(ev.utm_source || (domain ? (sourceForHost(domain)?.name ?? domain) : ''), 300);
    ev.channel = channelFor(ev);
    ev.country = /^[A-Za-z]{2}$/.test(r.country) ? r.country.toUpperCase() : '';
    ev.device_type = cut(deviceType(r.device), 20);
    ev.browser = cut(r.browser, 60);
    ev.os = cut(r.os, 60);
    ev.language = cut(r.language, 35);
    if (r.props) ev.props = cleanProps(r.props);
    return ev;
  });
  sessionize(events, prefix);
  return events;
}

/** At most INGEST_LIMITS.props properties, keys and values cut to their limits, as the collector keeps them. */
function cleanProps(props: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props).slice(0, INGEST_LIMITS.props)) {
    const key = cut(k, INGEST_LIMITS.propKeyBytes / 3);
    if (key) out[key] = cut(v, INGEST_LIMITS.propValueBytes / 3);
  }
  return out;
}

function deviceType(d: string): string {
  const v = d.trim().toLowerCase();
  if (v === 'laptop' || v === 'desktop') return 'desktop';
  if (v === 'mobile' || v === 'phone' || v === 'smartphone') return 'mobile';
  if (v === 'tablet') return 'tablet';
  return v;
}

/** Gives events without a session id one: a visitor's events split at gaps over 30 minutes. */
function sessionize(events: CanonicalEvent[], prefix: string): void {
  const open = events.filter((e) => !e.session_id).sort((a, b) => a.visitor_id.localeCompare(b.visitor_id) || a.ts - b.ts);
  let last: CanonicalEvent | null = null;
  let current = '';
  for (const e of open) {
    if (!last || last.visitor_id !== e.visitor_id || e.ts - last.ts > SESSION_GAP_MS)
      current = `${prefix}${hash(e.visitor_id, String(e.ts)).slice(0, 32)}`;
    e.session_id = current;
    last = e;
  }
}
