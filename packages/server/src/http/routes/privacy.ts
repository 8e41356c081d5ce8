import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { requestView } from '../../privacy';

const params = (req: FastifyRequest) => req.params as { id: string; request_id: string };

/**
 * Data-subject requests of a site (docs/privacy.md): admins and owners in the dashboard, admin keys
 * through /v1. A request of another site, or of a site of another organization, is a 404 like the site.
 */
export function privacyRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const prefix of ['/api', '/v1'] as const) {
    app.post(`${prefix}/sites/:id/privacy/requests`, async (req, reply) => {
      const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
      const p = await requirePrincipal(ctx, req);
      const by = p.kind === 'key' ? `API key ${p.key.name}` : ((await ctx.meta.users.byId(p.userId))?.email ?? p.userId);
      const rec = await ctx.privacy.create(site, req.body, by);
      return reply.status(202).send(requestView(rec, prefix));
    });
    app.get(`${prefix}/sites/:id/privacy/requests`, async (req) => {
      const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
      return { requests: (await ctx.privacy.list(site.id)).map((r) => requestView(r, prefix)) };
    });
    app.get(`${prefix}/sites/:id/privacy/requests/:request_id`, async (req) => {
      const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
      return requestView(await ctx.privacy.get(site.id, params(req).request_id), prefix);
    });
    app.get(`${prefix}/sites/:id/privacy/requests/:request_id/archive`, async (req, reply) => {
      const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
      const zip = await ctx.privacy.archive(site.id, params(req).request_id);
      reply.header('content-disposition', `attachment; filename="privacy-request-${params(req).request_id.replace(/[^\w-]/g, '')}.zip"`);
      reply.header('cache-control', 'no-store');
      return reply.type('application/zip').send(zip);
    });
  }
}
