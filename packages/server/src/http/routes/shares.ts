import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { checkShareParams, SHARE_ACCESS_HEADER, ShareService } from '../../shares';
import { statsAnswerer } from './stats-answer';

const params = (req: FastifyRequest) => req.params as { id: string; share_id: string; token: string };
const access = (req: FastifyRequest) => {
  const v = req.headers[SHARE_ACCESS_HEADER];
  return typeof v === 'string' && v.length <= 500 ? v : undefined;
};
/** Shared views stay out of search engines. */
const noindex = (reply: FastifyReply) => reply.header('x-robots-tag', 'noindex, nofollow').header('cache-control', 'no-store');

/** The origin share URLs are built on: TIDEMARK_PUBLIC_URL, else the request's. */
function publicOrigin(ctx: AppContext, req: FastifyRequest): string {
  return (ctx.config.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

/**
 * Shared dashboards (InsightHub PRD §4.7.2): members create and revoke links; anyone holding a link
 * reads that one site's stats, limited to the link's cards, after the password when it has one.
 */
export function shareRoutes(app: FastifyInstance, ctx: AppContext): void {
  const shares = new ShareService(ctx.meta, ctx.keys, ctx.auth.counters);
  const answer = statsAnswerer(ctx);

  app.get('/api/sites/:id/shares', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { shares: await shares.list(site) };
  });
  app.post('/api/sites/:id/shares', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    const p = await requirePrincipal(ctx, req);
    const created = await shares.create(site, req.body, p.kind === 'user' ? p.userId : null, publicOrigin(ctx, req));
    return reply.status(201).send(created);
  });
  app.delete('/api/sites/:id/shares/:share_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await shares.remove(site, params(req).share_id);
    return reply.status(204).send();
  });

  app.get('/api/share/:token', async (req, reply) => {
    noindex(reply);
    return shares.view(params(req).token, access(req));
  });
  app.post('/api/share/:token/unlock', async (req, reply) => {
    noindex(reply);
    return shares.unlock(params(req).token, req.body, req.ip);
  });
  app.get('/api/share/:token/stats', async (req, reply) => {
    noindex(reply);
    const { site, cards } = await shares.open(params(req).token, access(req));
    return answer(site, req.query, reply, (p) => checkShareParams(cards, p));
  });
}
