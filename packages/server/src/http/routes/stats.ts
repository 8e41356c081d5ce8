import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * `GET /api/sites/{id}/stats` (InsightHub PRD §7.2.3). Parameters: period (today, yesterday,
 * last_7_days, last_30_days, month, last_month, last_12_months, custom + start_date/end_date),
 * metrics, dimensions (comma-separated), filters (JSON), interval, limit, compare (default true).
 * Periods are in the site's timezone. Validation happens in the stats module: every malformed or
 * unknown parameter is a coded 400.
 */
export function statsRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Goal filters, the goal dimension and conversion metrics need the site's goal definitions.
  const goals = new GoalService(ctx.meta, ctx.stats);
  app.get('/api/sites/:id/stats', async (req) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    return ctx.stats.dashboard(await goals.statsSite(site), req.query);
  });
}
