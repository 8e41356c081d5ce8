import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';

const params = (req: FastifyRequest) => req.params as { id: string; alert_id: string };

/**
 * Alerts (InsightHub PRD §4.6.5): viewers read definitions and history; members create, change,
 * delete and send tests. Channels' secrets are shown only in the answer that made them.
 */
export function alertRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/sites/:id/alerts', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { alerts: await ctx.alerts.list(site) };
  });
  app.post('/api/sites/:id/alerts', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    const p = await requirePrincipal(ctx, req);
    return reply.status(201).send(await ctx.alerts.create(site, req.body, p.kind === 'user' ? p.userId : null));
  });
  app.get('/api/sites/:id/alerts/:alert_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return ctx.alerts.get(site, params(req).alert_id);
  });
  app.patch('/api/sites/:id/alerts/:alert_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return ctx.alerts.update(site, params(req).alert_id, req.body);
  });
  app.delete('/api/sites/:id/alerts/:alert_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await ctx.alerts.remove(site, params(req).alert_id);
    return reply.status(204).send();
  });
  app.get('/api/sites/:id/alerts/:alert_id/history', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { events: await ctx.alerts.history(site, params(req).alert_id) };
  });
  app.post('/api/sites/:id/alerts/:alert_id/test', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return ctx.alerts.sendTest(site, params(req).alert_id);
  });
}
