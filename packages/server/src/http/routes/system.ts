import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireInstanceAdmin } from '../../auth';

const alertId = (req: FastifyRequest) => (req.params as { alert_id: string }).alert_id;

/**
 * The admin "System" page (instance administrators only): the instance's health, and threshold
 * alerts on the system itself.
 */
export function systemRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/admin/system', async (req, reply) => {
    await requireInstanceAdmin(ctx, req);
    return reply.header('cache-control', 'no-store').send(await ctx.system.status());
  });
  app.get('/api/admin/system/alerts', async (req) => {
    await requireInstanceAdmin(ctx, req);
    return { alerts: await ctx.system.alerts.list() };
  });
  app.post('/api/admin/system/alerts', async (req, reply) => {
    await requireInstanceAdmin(ctx, req);
    return reply.status(201).send(await ctx.system.alerts.create(req.body));
  });
  app.delete('/api/admin/system/alerts/:alert_id', async (req, reply) => {
    await requireInstanceAdmin(ctx, req);
    await ctx.system.alerts.remove(alertId(req));
    return reply.status(204).send();
  });
  app.post('/api/admin/system/alerts/:alert_id/test', async (req) => {
    await requireInstanceAdmin(ctx, req);
    return ctx.system.alerts.sendTest(alertId(req));
  });
}
