import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';

const params = (req: FastifyRequest) => req.params as { id: string; trigger_id: string; action_id: string };

/**
 * Triggers of a site (docs/triggers.md): viewers and read keys list them, their firings and dead letters
 * (also through the public API); members and up change them, run dry runs, retry or discard dead letters.
 */
export function triggerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const triggers = ctx.triggers;
  const reading = (req: FastifyRequest) => requireSiteAccess(ctx, req, params(req).id, 'read');
  const writing = (req: FastifyRequest) => requireSiteAccess(ctx, req, params(req).id, 'write');

  for (const prefix of ['/api', '/v1']) {
    app.get(`${prefix}/sites/:id/triggers`, async (req) => ({ triggers: await triggers.list((await reading(req)).id) }));
    app.get(`${prefix}/sites/:id/triggers/:trigger_id`, async (req) => triggers.get((await reading(req)).id, params(req).trigger_id));
    app.get(`${prefix}/sites/:id/triggers/:trigger_id/firings`, async (req) =>
      triggers.firings((await reading(req)).id, params(req).trigger_id, req.query),
    );
    app.get(`${prefix}/sites/:id/dead-letters`, async (req) => triggers.deadLetters((await reading(req)).id));
    app.get(`${prefix}/sites/:id/trigger-settings`, async (req) => triggers.settings((await reading(req)).id));
  }
  app.post('/api/sites/:id/triggers', async (req, reply) =>
    reply.status(201).send(await triggers.create((await writing(req)).id, req.body)),
  );
  app.put('/api/sites/:id/triggers/:trigger_id', async (req) => triggers.update((await writing(req)).id, params(req).trigger_id, req.body));
  app.delete('/api/sites/:id/triggers/:trigger_id', async (req, reply) => {
    await triggers.remove((await writing(req)).id, params(req).trigger_id);
    return reply.status(204).send();
  });
  app.post('/api/sites/:id/triggers/dry-run', async (req) => triggers.dryRun((await writing(req)).id, req.body));
  app.put('/api/sites/:id/trigger-settings', async (req) => triggers.setSettings((await writing(req)).id, req.body));
  app.post('/api/sites/:id/dead-letters/:action_id/retry', async (req) =>
    triggers.retryDead((await writing(req)).id, params(req).action_id),
  );
  app.delete('/api/sites/:id/dead-letters/:action_id', async (req, reply) => {
    await triggers.discardDead((await writing(req)).id, params(req).action_id);
    return reply.status(204).send();
  });
}
