import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess, siteAccessHolds } from '../../auth';
import type { SiteRecord } from '../../meta';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Push interval of the stream: the dashboard must show changes within 2 s. */
export const REALTIME_PUSH_MS = 2000;
/**
 * Streams end after this long; EventSource reconnects, which re-checks access. Access is also checked
 * before every push, so a removed member, a revoked key or an ended session stops receiving within one interval.
 */
export const REALTIME_STREAM_MAX_MS = 10 * 60_000;

/**
 * `GET /api/sites/{id}/realtime` (InsightHub §7.2.4) and its Server-Sent Events stream
 * `GET /api/sites/{id}/realtime/stream`, which pushes the same snapshot (`event: realtime`) at once
 * and then every REALTIME_PUSH_MS. Viewers of one site share one query per second (StatsService).
 */
export function realtimeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const open = new Set<() => void>();
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/api/sites/:id/realtime', async (req) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    return ctx.stats.realtime(site);
  });

  app.get('/api/sites/:id/realtime/stream', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    streamRealtime(ctx, site, req, reply, open, () => siteAccessHolds(ctx, req, site.id, 'read'));
  });
}

export function streamRealtime(
  ctx: AppContext,
  site: SiteRecord,
  req: FastifyRequest,
  reply: FastifyReply,
  open: Set<() => void>,
  stillAllowed: () => Promise<boolean>,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${REALTIME_PUSH_MS}\n\n`);
  let ended = false;
  let sending = false;
  let first = true;
  const push = async () => {
    if (ended || sending) return;
    sending = true;
    try {
      // The opening snapshot follows the check the route just made; every later one re-checks.
      if (!first && !(await stillAllowed().catch(() => false))) {
        if (!ended) res.write(`event: error\ndata: ${JSON.stringify({ code: 'unauthorized' })}\n\n`);
        end();
        return;
      }
      first = false;
      const snapshot = await ctx.stats.realtime(site);
      if (!ended) res.write(`event: realtime\ndata: ${JSON.stringify(snapshot)}\n\n`);
    } catch (err) {
      req.log.error({ err }, 'realtime snapshot failed');
      if (!ended) res.write(`event: error\ndata: ${JSON.stringify({ code: 'realtime_unavailable' })}\n\n`);
    } finally {
      sending = false;
    }
  };
  const timer = setInterval(push, REALTIME_PUSH_MS);
  const deadline = setTimeout(() => end(), REALTIME_STREAM_MAX_MS);
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    clearTimeout(deadline);
    open.delete(end);
    res.end();
  };
  open.add(end);
  req.raw.on('close', end);
  res.on('error', end);
  void push();
}
