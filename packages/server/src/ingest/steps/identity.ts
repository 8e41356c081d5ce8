import { endUserAgent, endUserIp } from '../lib/end-user';
import { visitorHash, visitorIdFromSession } from '../lib/visitor-id';
import type { NamedStep, PreEvent, RequestContext } from '../types';

const MAX_ID = 128;

export function sessionTimeoutMs(ctx: RequestContext): number {
  const min = ctx.site.session_timeout_min;
  return (Number.isFinite(min) && min > 0 ? min : 30) * 60_000;
}

export function sessionKey(siteId: string, visitorId: string): string {
  return `${siteId}\n${visitorId}`;
}

/**
 * Cookieless id for the event's IP and user agent under today's salt, or under yesterday's when the
 * visitor has a session still running from before midnight (so it continues rather than splitting).
 */
function cookielessId(ev: PreEvent, ctx: RequestContext): string {
  const ip = endUserIp(ev, ctx);
  const ua = endUserAgent(ev, ctx);
  const memoKey = `vid\n${ip}\n${ua}`;
  const memo = ctx.memo.get(memoKey) as string | undefined;
  if (memo) return memo;
  const today = visitorHash(ctx.salts.current.salt, ctx.site.id, ip, ua);
  let id = today;
  if (ctx.salts.previous) {
    const sessions = ctx.services.sessions;
    const timeout = sessionTimeoutMs(ctx);
    const active = (vid: string) => {
      const e = sessions.get(sessionKey(ctx.site.id, vid));
      return e !== undefined && Math.abs(ev.ts - e.lastTs) <= timeout;
    };
    if (!active(today)) {
      const yesterday = visitorHash(ctx.salts.previous.salt, ctx.site.id, ip, ua);
      if (active(yesterday)) id = yesterday;
    }
  }
  ctx.memo.set(memoKey, id);
  return id;
}

/**
 * Who the event belongs to (DESIGN §4). Browser: the cookieless daily hash, or the tracker's stored
 * id when the site has persistent ids enabled (after consent). Server-side: the client's own id; if
 * it sent none, one derived from its session id; if neither, the cookieless hash.
 */
export const identityStep: NamedStep = {
  name: 'identity',
  run: (ev, ctx) => {
    if (ctx.trust === 'server') {
      if (ev.client_visitor_id) ev.visitor_id = ev.client_visitor_id.slice(0, MAX_ID);
      else if (ev.client_session_id) ev.visitor_id = visitorIdFromSession(ctx.site.id, ev.client_session_id);
      else ev.visitor_id = cookielessId(ev, ctx);
      return ev;
    }
    ev.visitor_id = !ctx.site.cookieless && ev.client_visitor_id ? ev.client_visitor_id.slice(0, MAX_ID) : cookielessId(ev, ctx);
    return ev;
  },
};
