import { INGEST_LIMITS, umamiItemSchema } from '@tidemark/core';
import { newPreEvent } from '../lib/pre-event';
import type { AdaptInput, ContractAdapted } from '../contracts';
import { customProps, zodIssues } from './shared';

const NONE: ReadonlySet<string> = new Set();

/** The website id an Umami body names its site by: the first item's `payload.website`. */
export function umamiSiteRef(items: unknown[]): string | null {
  const p = (items[0] as { payload?: { website?: unknown } } | null | undefined)?.payload;
  return p && typeof p.website === 'string' ? p.website.trim().toLowerCase() : null;
}

/** Umami sends the path (`url`) and host apart; an absolute URL is taken as it is. */
function pageUrl(url: string, hostname: string, siteDomain: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  const path = url.startsWith('/') ? url : `/${url}`;
  return `https://${hostname || siteDomain}${url ? path : '/'}`;
}

/**
 * Umami's collection API (`POST /api/send` one item, `POST /api/batch` an array): an `event` without a
 * name is a page view, with a name a custom event whose `data` become properties; `identify` is our
 * `identify` event with `data` as properties. `payload.id` (Umami's distinct id) is the user id. Every
 * item must name this site's Umami website id. `timestamp` (epoch seconds) is the event time and makes
 * the derived id exact; without it, identical items within 10 seconds are one (see event-id step).
 */
export function adaptUmami(items: unknown[], input: AdaptInput): ContractAdapted {
  const out: ContractAdapted = { events: [], rejected: [] };
  items.forEach((item, i) => {
    const parsed = umamiItemSchema.safeParse(item);
    if (!parsed.success) {
      out.rejected.push({ reason: 'invalid_event', issues: zodIssues(parsed.error, items.length > 1 ? String(i) : ''), input: item });
      return;
    }
    const { type, payload: p } = parsed.data;
    if (p.website.trim().toLowerCase() !== input.umamiWebsiteId) {
      out.rejected.push({
        reason: 'invalid_event',
        issues: [{ path: 'payload.website', message: 'not the website id of this request’s site' }],
        input: item,
      });
      return;
    }
    const named = p.name?.trim() ?? '';
    const name = type === 'identify' ? 'identify' : named || 'page_view';
    const ev = newPreEvent(input.siteId, input.receivedAt, name, item);
    ev.url = pageUrl(p.url?.trim() ?? '', p.hostname?.trim().toLowerCase() ?? '', input.siteDomain).slice(0, INGEST_LIMITS.urlChars);
    ev.referrer = p.referrer?.trim() ?? '';
    ev.title = p.title ?? '';
    ev.language = p.language ?? '';
    const screen = /^(\d{1,6})x(\d{1,6})$/.exec(p.screen?.trim() ?? '');
    if (screen) {
      ev.screen_w = Math.min(100_000, Number(screen[1]));
      ev.screen_h = Math.min(100_000, Number(screen[2]));
    }
    ev.user_id = p.id?.trim().slice(0, 300) ?? '';
    ev.props = customProps(p.data, NONE);
    if (p.tag && ev.props.tag === undefined) ev.props.tag = p.tag;
    if (p.timestamp !== null && p.timestamp !== undefined) {
      ev.client_ts = p.timestamp < 1e11 ? p.timestamp * 1000 : p.timestamp;
      ev.dedupe_exact = true;
    }
    ev.dedupe_key = JSON.stringify([type, name, ev.url, ev.referrer, ev.title, ev.language, p.screen ?? '', ev.user_id, ev.props]);
    out.events.push(ev);
  });
  return out;
}
