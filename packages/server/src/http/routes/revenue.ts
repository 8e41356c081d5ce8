import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * `GET /api/sites/{id}/revenue` (InsightHub PRD §7.2.5, dashboard session) and `GET /v1/sites/{id}/revenue`
 * (API key): totals, MRR/ARR, attribution by source, campaign, landing page and channel, a daily series,
 * MRR movements and the latest transactions (revenue/report.ts). Parameters are validated: 400 otherwise.
 */
export function revenueRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const path of ['/api/sites/:id/revenue', '/v1/sites/:id/revenue'])
    app.get(path, async (req) => {
      const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
      return ctx.revenue.report(site, req.query);
    });

  // The setup screen's "send test event" (members and up: it writes to the raw layer).
  app.post('/api/sites/:id/revenue/test-event', async (req) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'write');
    return ctx.revenue.sendTestEvent(site.id);
  });
}
