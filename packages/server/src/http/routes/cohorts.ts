import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';

const siteOf = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Cohorts (InsightHub §4.6.1) and journey segments (TechStore §10.2) with the site's goals: dashboard (session) and public API (Bearer key with "read"). */
export function cohortRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);
  const cohorts = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, siteOf(req), 'read');
    return ctx.stats.cohorts(await goals.statsSite(site), req.query);
  };
  app.get('/api/sites/:id/cohorts', cohorts);
  app.get('/v1/sites/:id/cohorts', cohorts);
  const journeys = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, siteOf(req), 'read');
    return ctx.stats.journeys(await goals.statsSite(site), req.query);
  };
  app.get('/api/sites/:id/journeys', journeys);
  app.get('/v1/sites/:id/journeys', journeys);
}
