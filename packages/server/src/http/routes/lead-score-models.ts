import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * Lead-score models (scoring/models.ts, docs/lead-scoring.md): status and metrics for everyone with
 * access (dashboard and public API), training and the scoring mode for members and up.
 */
export function leadScoreModelRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);
  const status = async (req: FastifyRequest) => ctx.leadModels.status((await requireSiteAccess(ctx, req, siteId(req), 'read')).id);
  app.get('/api/sites/:id/models/lead-score', status);
  app.get('/v1/sites/:id/models/lead-score', status);
  app.post('/api/sites/:id/models/lead-score/train', async (req, reply) => {
    const site = await goals.statsSite(await requireSiteAccess(ctx, req, siteId(req), 'write'));
    return reply.code(202).send(await ctx.leadModels.request(site, req.body));
  });
  app.put('/api/sites/:id/scoring/mode', async (req) =>
    ctx.leadModels.setMode((await requireSiteAccess(ctx, req, siteId(req), 'write')).id, req.body),
  );
}
