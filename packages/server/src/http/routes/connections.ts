import { connectionProviderSchema, parseInput } from '@tidemark/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';

const params = (req: FastifyRequest) => req.params as { id: string; provider?: string };
const provider = (req: FastifyRequest) => parseInput(connectionProviderSchema, params(req).provider, 'unknown_provider');

/**
 * A site's connections to HubSpot and Klaviyo (destinations/, docs/destinations.md): site admins (keys with
 * "admin") see which are set, set and remove them, and test them. The token is write-only.
 */
export function connectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const connections = ctx.destinations.connections;
  const list = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
    return { connections: await connections.list(site.id) };
  };
  app.get('/api/sites/:id/connections', list);
  app.get('/v1/sites/:id/connections', list);

  app.put('/api/sites/:id/connections/:provider', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
    return connections.put(site.id, provider(req), req.body);
  });

  app.delete('/api/sites/:id/connections/:provider', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
    await connections.remove(site.id, provider(req));
    return reply.status(204).send();
  });

  app.post('/api/sites/:id/connections/:provider/test', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
    return ctx.destinations.testConnection(site.id, provider(req));
  });
}
