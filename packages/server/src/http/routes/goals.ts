import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';

const params = (req: FastifyRequest) => req.params as { id: string; goal_id: string };

/**
 * Goals of a site (InsightHub PRD §4.3.1, §7.2.6): viewers and read keys list them and read their
 * stats; members and up (write keys) create, edit, delete and preview. A goal of another site, or of
 * a site of another organization, is a 404 like the site itself.
 */
export function goalRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);

  const list = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { goals: await goals.list(site.id) };
  };
  const stats = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return goals.goalStats(site, params(req).goal_id, req.query);
  };

  app.get('/api/sites/:id/goals', list);
  app.get('/v1/sites/:id/goals', list);
  app.get('/api/sites/:id/goals/:goal_id/stats', stats);
  app.get('/v1/sites/:id/goals/:goal_id/stats', stats);

  app.get('/api/sites/:id/goals/:goal_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return goals.get(site.id, params(req).goal_id);
  });

  app.post('/api/sites/:id/goals', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return reply.status(201).send(await goals.create(site.id, req.body));
  });

  app.post('/api/sites/:id/goals/preview', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return goals.preview(site, req.body);
  });

  app.patch('/api/sites/:id/goals/:goal_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return goals.update(site.id, params(req).goal_id, req.body);
  });

  app.delete('/api/sites/:id/goals/:goal_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await goals.delete(site.id, params(req).goal_id);
    return reply.status(204).send();
  });
}
