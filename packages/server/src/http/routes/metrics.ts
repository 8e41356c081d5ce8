import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * With TIDEMARK_METRICS_TOKEN: the bearer token, compared in constant time. Without: only a caller on
 * this machine, and not one relaying someone else (a local reverse proxy adds X-Forwarded-For).
 */
function allowed(ctx: AppContext, req: FastifyRequest): boolean {
  const token = ctx.config.metricsToken;
  if (token) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = crypto.createHash('sha256').update(given).digest();
    const b = crypto.createHash('sha256').update(token).digest();
    return crypto.timingSafeEqual(a, b);
  }
  const peer = req.socket.remoteAddress ?? '';
  return LOOPBACK.test(peer) && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}

/** `GET /metrics` in the Prometheus text format (RevivaTech PRD §4.2); every node serves its own. */
export function metricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Every answer is counted by route pattern (never the URL) once it is sent.
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (req, reply) => {
    if (!allowed(ctx, req)) {
      throw ctx.config.metricsToken
        ? new TidemarkError(401, 'unauthorized', 'GET /metrics needs the metrics token')
        : new TidemarkError(403, 'forbidden', 'GET /metrics answers this machine only (or set TIDEMARK_METRICS_TOKEN)');
    }
    return reply
      .header('content-type', ctx.metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await ctx.metrics.render());
  });
}
