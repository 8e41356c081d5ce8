import type { FastifyInstance } from 'fastify';

/** One year; no includeSubDomains, which would bind sibling hosts the operator may not serve over TLS. */
export const HSTS_VALUE = 'max-age=31536000';

/**
 * Headers every response gets:
 * - `X-Content-Type-Options: nosniff` on everything;
 * - `Cache-Control: no-store` on JSON (API answers carry account and statistics data) unless the route
 *   chose its own caching (the public OpenAPI document); scripts and dashboard assets keep theirs;
 * - `Strict-Transport-Security` when the request arrived over TLS: the server's own, or a trusted proxy's
 *   `X-Forwarded-Proto: https` (Fastify's `request.protocol` believes that header only from
 *   TIDEMARK_TRUSTED_PROXIES, so a client cannot ask for HSTS over plain HTTP).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    const type = String(reply.getHeader('content-type') ?? '');
    if (/^application\/([\w.+-]+\+)?json\b/i.test(type) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS_VALUE);
    return payload;
  });
}
