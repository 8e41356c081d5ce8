import type { FastifyRequest } from 'fastify';
import { forbidden } from '@tidemark/core';
import type { AppContext } from '../app/context';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isUnsafeMethod = (method: string): boolean => UNSAFE.has(method.toUpperCase());

function originOf(url: string): string | null {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return null;
  }
}

/** The origin the request was addressed to (scheme + Host header). */
export function requestOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`.toLowerCase();
}

/**
 * Our own origin: TIDEMARK_PUBLIC_URL when set — the Host header is the client's to choose (a DNS-rebound
 * name reaches us with its own Host and a matching Origin), so it only stands in when nothing is configured.
 */
function ownOrigin(ctx: AppContext, req: FastifyRequest): string | null {
  return ctx.config.publicUrl ? originOf(ctx.config.publicUrl) : requestOrigin(req);
}

export function isSameOrigin(ctx: AppContext, req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== '' && origin !== 'null') {
    const o = originOf(origin);
    return !!o && o === ownOrigin(ctx, req);
  }
  return req.headers['sec-fetch-site'] === 'same-origin';
}

/**
 * CSRF guard for cookie-authenticated state changes: the browser must show the request comes from our
 * own pages (same-origin Origin, or Sec-Fetch-Site: same-origin). SameSite=Lax alone leaves gaps.
 */
export function assertSameOrigin(ctx: AppContext, req: FastifyRequest): void {
  if (isUnsafeMethod(req.method) && !isSameOrigin(ctx, req)) {
    throw forbidden('Cross-site request refused: cookie-authenticated changes must come from the same origin');
  }
}

/** For sign-in forms: a cross-site Origin is refused (login CSRF); a missing one is allowed (API clients). */
export function assertNotCrossSite(ctx: AppContext, req: FastifyRequest): void {
  const hasOrigin = typeof req.headers.origin === 'string' && req.headers.origin !== '';
  const site = req.headers['sec-fetch-site'];
  if ((hasOrigin || (typeof site === 'string' && site !== 'none')) && !isSameOrigin(ctx, req)) {
    throw forbidden('Cross-site sign-in refused');
  }
}
