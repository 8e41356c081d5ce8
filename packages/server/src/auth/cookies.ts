import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'tm_session';

/** Reads the session token straight from the Cookie header (no dependence on plugin registration order). */
export function readSessionToken(req: FastifyRequest): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  const token = fastifyCookie.parse(header)[SESSION_COOKIE];
  return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : null;
}

/** True when the client reached us over TLS (directly, or per X-Forwarded-Proto from a trusted proxy). */
export const isHttps = (req: FastifyRequest): boolean => req.protocol === 'https';

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: number): void {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  reply.header(
    'set-cookie',
    fastifyCookie.serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: isHttps(req), path: '/', maxAge }),
  );
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    fastifyCookie.serialize(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'lax',
      secure: isHttps(req),
      path: '/',
      maxAge: 0,
      expires: new Date(0),
    }),
  );
}
