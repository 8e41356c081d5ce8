import type { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';

/**
 * What the server writes to its logs, and what it never does (docs/security.md): requests are logged by
 * method and route pattern (`/api/invitations/:token`), never by URL, so invitation tokens, API keys in
 * query strings and tracked paths stay out; errors are logged by type, code and a redacted message,
 * because engine messages quote the values they failed on (`Could not convert string 'a@b.c' …`).
 */

interface LoggedRequest {
  method: string;
  routeOptions?: { url?: string };
}

/** A request as the log shows it: the route it matched, or none (404s log no path at all). */
export function requestForLog(req: LoggedRequest): { method: string; route: string | null } {
  return { method: req.method, route: req.routeOptions?.url ?? null };
}

const MAX_MESSAGE = 300;

/**
 * An error message with the parts that may carry tracked or secret values removed: quoted runs, what
 * follows an engine's `Input:`/`before:`-style echo, e-mail and IP addresses, long token-like words and
 * everything after the first line (SQL text). Keeps the message's shape, which is what diagnosis needs.
 */
export function redactMessage(message: string): string {
  let m = message.split('\n', 1)[0]!;
  m = m.replace(/\b(input|before|near|value|got|at position \d+ of|string)\s*:\s.*$/i, '$1: …');
  m = m.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`/g, '‹…›');
  m = m.replace(/[^\s@'"]+@[^\s@'"]+/g, '‹email›');
  m = m.replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?=[0-9a-f:]*\d)[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/gi, '‹ip›');
  m = m.replace(/[A-Za-z0-9_+/=-]{24,}/g, '‹token›');
  return m.length > MAX_MESSAGE ? `${m.slice(0, MAX_MESSAGE)}…` : m;
}

export interface LoggedError {
  type: string;
  code?: string;
  message: string;
  /** Stack frames only: the stack's first line repeats the unredacted message. */
  stack?: string;
  cause?: LoggedError;
}

/** The log form of any thrown value (the logger's `err` serializer, and console logging at start-up). */
export function errorForLog(err: unknown, depth = 0): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err, message: redactMessage(String(err)) };
  const code = (err as { code?: unknown }).code;
  const out: LoggedError = { type: err.name || err.constructor?.name || 'Error', message: redactMessage(err.message) };
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
  const frames = err.stack
    ?.split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 12);
  if (frames?.length) out.stack = frames.join('\n');
  if (err.cause !== undefined && depth < 2) out.cause = errorForLog(err.cause, depth + 1);
  return out;
}

/** Fastify logger options: request and error serializers above; `stream` captures the log (tests). */
export function loggerOptions(level: string, stream?: Writable): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: LoggedRequest) => requestForLog(req),
      err: (err: unknown) => ({ stack: '', ...errorForLog(err) }),
    },
  };
}
