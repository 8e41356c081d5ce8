import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * Heatmaps (InsightHub PRD §7.2.7) and frustration signals (behaviour/): `GET /api/sites/{id}/heatmaps`
 * and `/frustration` for the dashboard, the same under `/v1` for read keys. Parameters are validated: 400 otherwise.
 */
export function behaviourRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const base of ['/api/sites/:id', '/v1/sites/:id']) {
    app.get(`${base}/heatmaps`, async (req) => {
      const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
      return ctx.behaviour.heatmap(site, req.query);
    });
    app.get(`${base}/heatmaps/screenshot`, async (req, reply) => {
      const q = (req.query ?? {}) as { refresh?: string };
      const refresh = q.refresh === 'true' || q.refresh === '1';
      const site = await requireSiteAccess(ctx, req, siteId(req), refresh ? 'write' : 'read');
      const png = await ctx.behaviour.screenshot(site, req.query);
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
    });
    app.get(`${base}/vitals`, async (req) => {
      const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
      return ctx.behaviour.vitals(site, req.query);
    });
    app.get(`${base}/errors`, async (req) => {
      const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
      return ctx.behaviour.errors(site, req.query);
    });
    app.get(`${base}/frustration`, async (req) => {
      const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
      return ctx.behaviour.frustration(site, req.query);
    });
  }
}
