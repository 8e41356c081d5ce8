import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';

const siteOf = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * Paths (InsightHub §4.6.2): the common paths through a site and the steps around a page, with the
 * stats endpoint's period and filters. Dashboard (session) and public API (Bearer key with "read").
 */
export function pathRoutes(app: FastifyInstance, ctx: AppContext): void {
  const paths = async (req: FastifyRequest) => ctx.stats.paths(await requireSiteAccess(ctx, req, siteOf(req), 'read'), req.query);
  const pages = async (req: FastifyRequest) => ctx.stats.pageNeighbours(await requireSiteAccess(ctx, req, siteOf(req), 'read'), req.query);
  app.get('/api/sites/:id/paths', paths);
  app.get('/api/sites/:id/paths/pages', pages);
  app.get('/v1/sites/:id/paths', paths);
  app.get('/v1/sites/:id/paths/pages', pages);
}
