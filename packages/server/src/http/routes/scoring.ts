import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { ScoringService } from '../../scoring';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Lead-scoring rules of a site (scoring/, docs/lead-scoring.md): everyone with access reads them, members and up change them. */
export function scoringRoutes(app: FastifyInstance, ctx: AppContext): void {
  const scoring = new ScoringService(ctx.meta);
  app.get('/api/sites/:id/scoring/rules', async (req) => scoring.settings((await requireSiteAccess(ctx, req, siteId(req), 'read')).id));
  app.put('/api/sites/:id/scoring/rules', async (req) =>
    scoring.update((await requireSiteAccess(ctx, req, siteId(req), 'write')).id, req.body),
  );
}
