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

/** Origins this server answers as: the request's own scheme+host, and the configured public URL. */
export function requestOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`.toLowerCase();
}

export function isSameOrigin(ctx: AppContext, req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== '' && origin !== 'null') {
    const o = originOf(origin);
    if (!o) return false;
    return o === requestOrigin(req) || (!!ctx.config.publicUrl && o === originOf(ctx.config.publicUrl));
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
