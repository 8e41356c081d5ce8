import { parseInput, segmentTrainBodySchema } from '@tidemark/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';
import { SegmentService, segmentDepsOf } from '../../segments';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * Behavioural segments (segments/, docs/segments.md): everyone with access reads them (dashboard and
 * public API), members and up start a training (202; the list shows its status).
 */
export function segmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const segments = new SegmentService(segmentDepsOf(ctx));
  const goals = new GoalService(ctx.meta, ctx.stats);
  const list = async (req: FastifyRequest) => segments.list((await requireSiteAccess(ctx, req, siteId(req), 'read')).id);
  app.get('/api/sites/:id/segments', list);
  app.get('/v1/sites/:id/segments', list);
  app.post('/api/sites/:id/segments/train', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'write');
    parseInput(segmentTrainBodySchema, req.body ?? {});
    segments.start(await goals.statsSite(site), (err) => req.log.error({ err }, 'segment training failed'));
    return reply.status(202).send({ success: true, status: 'training' });
  });
}
