import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { statsAnswerer } from './stats-answer';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * `GET /api/sites/{id}/stats` (InsightHub PRD §7.2.3). Parameters: period (today, yesterday,
 * last_7_days, last_30_days, month, last_month, last_12_months, custom + start_date/end_date),
 * metrics, dimensions (comma-separated), filters (JSON), interval, limit, compare (default true),
 * format (csv|json|xml: a download).
 * Periods are in the site's timezone. Validation happens in the stats module: every malformed or
 * unknown parameter is a coded 400.
 */
export function statsRoutes(app: FastifyInstance, ctx: AppContext): void {
  // With the site's goal definitions (goal filters, conversions) and annotations; `format` makes a download.
  const answer = statsAnswerer(ctx);
  app.get('/api/sites/:id/stats', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    return answer(site, req.query, reply);
  });
}
