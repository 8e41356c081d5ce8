import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * Churn and lifetime value (lifetime/, docs/churn-ltv.md): train (members and up; 202, in the background),
 * the model's state and held-out metrics, the people at risk. Reads for the dashboard and the public API.
 */
export function lifetimeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const site = async (req: FastifyRequest, level: 'read' | 'write') => {
    const s = await requireSiteAccess(ctx, req, siteId(req), level);
    return { id: s.id, timezone: s.timezone };
  };
  app.post('/api/sites/:id/models/churn/train', async (req, reply) => {
    const model = await ctx.lifetime.startTraining(await site(req, 'write'));
    return reply.status(202).send(model);
  });
  for (const prefix of ['/api', '/v1']) {
    app.get(`${prefix}/sites/:id/models/churn`, async (req) => ctx.lifetime.model((await site(req, 'read')).id));
    app.get(`${prefix}/sites/:id/churn/at-risk`, async (req) => ctx.lifetime.atRisk(await site(req, 'read'), req.query));
  }
}
