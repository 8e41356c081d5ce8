import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, funnelInputSchema, funnelPatchSchema, notFound } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { MAX_FUNNELS_PER_SITE, type SiteRecord } from '../../meta';
import { checkSteps } from '../../stats';
import { parseInput } from '../errors';

const params = (req: FastifyRequest) => req.params as { id: string; funnel_id: string };

async function funnelOf(ctx: AppContext, site: SiteRecord, funnelId: string) {
  const funnel = await ctx.meta.funnels.byId(site.id, funnelId);
  if (!funnel) throw notFound('Funnel');
  return funnel;
}

/**
 * Funnels (InsightHub PRD §4.3.2, §7.2.6): definitions per site, and their stats with the stats
 * endpoint's period and filters. Viewers and read keys read; members and write keys edit. A funnel
 * is only ever found through its own site, so another site's or organization's funnel is a 404.
 */
export function funnelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/sites/:id/funnels', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { funnels: await ctx.meta.funnels.listBySite(site.id) };
  });

  app.post('/api/sites/:id/funnels', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    const body = parseInput(funnelInputSchema, req.body ?? {});
    checkSteps(body.steps);
    if ((await ctx.meta.funnels.countBySite(site.id)) >= MAX_FUNNELS_PER_SITE)
      throw badRequest('too_many_funnels', `A site has at most ${MAX_FUNNELS_PER_SITE} funnels`);
    const p = await requirePrincipal(ctx, req);
    const funnel = await ctx.meta.funnels.create(site.id, body, p.kind === 'user' ? p.userId : null);
    reply.status(201);
    return funnel;
  });

  app.get('/api/sites/:id/funnels/:funnel_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return funnelOf(ctx, site, params(req).funnel_id);
  });

  app.patch('/api/sites/:id/funnels/:funnel_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await funnelOf(ctx, site, params(req).funnel_id);
    const patch = parseInput(funnelPatchSchema, req.body ?? {});
    if (patch.steps) checkSteps(patch.steps);
    const updated = await ctx.meta.funnels.update(site.id, params(req).funnel_id, patch);
    if (!updated) throw notFound('Funnel');
    return updated;
  });

  app.delete('/api/sites/:id/funnels/:funnel_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    if (!(await ctx.meta.funnels.delete(site.id, params(req).funnel_id))) throw notFound('Funnel');
    return reply.status(204).send();
  });

  const stats = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    const funnel = await funnelOf(ctx, site, params(req).funnel_id);
    return ctx.stats.funnel(site, funnel, req.query);
  };
  app.get('/api/sites/:id/funnels/:funnel_id/stats', stats);

  // Public API (Bearer key with "read"): the same answers.
  app.get('/v1/sites/:id/funnels', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { funnels: await ctx.meta.funnels.listBySite(site.id) };
  });
  app.get('/v1/sites/:id/funnels/:funnel_id/stats', stats);
}
