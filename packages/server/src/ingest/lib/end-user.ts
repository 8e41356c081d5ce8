import type { PreEvent, RequestContext } from '../types';

/**
 * The user agent of the person behind the event. Browser contracts: the request's. Server-side
 * contracts: the one the client passed on, else the request's only if it is a browser's (a backend's
 * "python-requests/2.31" says nothing about the visitor and must not mark them a bot).
 */
export function endUserAgent(ev: PreEvent, ctx: RequestContext): string {
  if (ev.client_user_agent) return ev.client_user_agent;
  if (ctx.trust === 'browser') return ctx.userAgent;
  return ctx.userAgent.startsWith('Mozilla/') ? ctx.userAgent : '';
}

/** The visitor's IP: the request's, or one a server-side client passed on. Used, never stored. */
export function endUserIp(ev: PreEvent, ctx: RequestContext): string {
  return ev.client_ip || ctx.ip;
}
