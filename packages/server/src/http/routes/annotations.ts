import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { AnnotationService } from '../../annotations';
import { requirePrincipal, requireSiteAccess } from '../../auth';

const params = (req: FastifyRequest) => req.params as { id: string; annotation_id: string };

/**
 * Annotations (InsightHub PRD §4.6.4): viewers and read keys list them; members and write keys
 * (a deploy pipeline marking a release) add, change and delete. Always found through their site.
 */
export function annotationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const annotations = new AnnotationService(ctx.meta);

  const list = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { annotations: await annotations.list(site) };
  };
  const create = async (req: FastifyRequest, reply: FastifyReply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    const p = await requirePrincipal(ctx, req);
    const created = await annotations.create(site, req.body, p.kind === 'user' ? p.userId : null);
    return reply.status(201).send(created);
  };

  app.get('/api/sites/:id/annotations', list);
  app.post('/api/sites/:id/annotations', create);
  app.get('/api/sites/:id/annotations/:annotation_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return annotations.get(site, params(req).annotation_id);
  });
  app.patch('/api/sites/:id/annotations/:annotation_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return annotations.update(site, params(req).annotation_id, req.body);
  });
  app.delete('/api/sites/:id/annotations/:annotation_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await annotations.remove(site, params(req).annotation_id);
    return reply.status(204).send();
  });

  // Public API (Bearer key): read with "read", create with "write" (so a deploy can mark a release).
  app.get('/v1/sites/:id/annotations', list);
  app.post('/v1/sites/:id/annotations', create);
  app.delete('/v1/sites/:id/annotations/:annotation_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await annotations.remove(site, params(req).annotation_id);
    return reply.status(204).send();
  });
}
