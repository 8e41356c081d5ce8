import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';
import { membersCsv } from '../../audiences';

const params = (req: FastifyRequest) => req.params as { id: string; audience_id: string };

/**
 * Audiences of a site (docs/audiences.md): viewers and read keys list them, their members, sizes and the
 * CSV export (also through the public API); members and up create, edit, refresh and delete.
 */
export function audienceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);

  const list = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { audiences: await ctx.audiences.list(site.id) };
  };
  const one = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return ctx.audiences.get(site.id, params(req).audience_id);
  };
  const members = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return ctx.audiences.members(site.id, params(req).audience_id, req.query);
  };
  const sizes = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return ctx.audiences.sizes(site.id, params(req).audience_id, req.query);
  };
  const csv = async (req: FastifyRequest, reply: FastifyReply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    const batches = await ctx.audiences.memberBatches(site.id, params(req).audience_id);
    reply.header('content-disposition', `attachment; filename="audience-${params(req).audience_id}.csv"`);
    return reply.type('text/csv; charset=utf-8').send(Readable.from(membersCsv(batches)));
  };
  for (const prefix of ['/api', '/v1']) {
    app.get(`${prefix}/sites/:id/audiences`, list);
    app.get(`${prefix}/sites/:id/audiences/:audience_id`, one);
    app.get(`${prefix}/sites/:id/audiences/:audience_id/members`, members);
    app.get(`${prefix}/sites/:id/audiences/:audience_id/members.csv`, csv);
    app.get(`${prefix}/sites/:id/audiences/:audience_id/sizes`, sizes);
  }

  app.post('/api/sites/:id/audiences', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return reply.status(201).send(await ctx.audiences.create(site.id, req.body));
  });
  app.patch('/api/sites/:id/audiences/:audience_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return ctx.audiences.update(site.id, params(req).audience_id, req.body);
  });
  app.post('/api/sites/:id/audiences/:audience_id/refresh', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return ctx.audiences.refresh(await goals.statsSite(site), params(req).audience_id);
  });
  app.delete('/api/sites/:id/audiences/:audience_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await ctx.audiences.delete(site.id, params(req).audience_id);
    return reply.status(204).send();
  });
}
