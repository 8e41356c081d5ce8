import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, experimentAssignRequestSchema, parseInput, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { assignments, ExperimentService, ServedExperiments } from '../../experiments';
import { verifyAttributionId } from '../../revenue';
import { acceptTextBodies, checkOrigin, collectLimiter, preflight, rawBody, refuseOverLimit, requestFacts } from './collect-common';

const params = (req: FastifyRequest) => req.params as { id: string; experiment_id: string };

/**
 * Experiments of a site (docs/experiments.md): viewers and read keys list them and read results (also
 * through the public API); members and up (write keys) create, edit, start, stop, declare a winner and
 * delete. `POST /api/experiments/assign` is the browser script's: the variants of the visitor the
 * collector's signed attribution id names.
 */
export async function experimentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const experiments = new ExperimentService(ctx.meta, ctx.stats);
  const served = new ServedExperiments((siteId) => ctx.meta.experiments.list(siteId));
  const limiter = collectLimiter(ctx);

  const list = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { experiments: await experiments.list(site.id) };
  };
  const one = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return experiments.get(site.id, params(req).experiment_id);
  };
  const results = async (req: FastifyRequest) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return experiments.results(site.id, params(req).experiment_id);
  };
  for (const prefix of ['/api', '/v1']) {
    app.get(`${prefix}/sites/:id/experiments`, list);
    app.get(`${prefix}/sites/:id/experiments/:experiment_id`, one);
    app.get(`${prefix}/sites/:id/experiments/:experiment_id/results`, results);
  }

  app.post('/api/sites/:id/experiments', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return reply.status(201).send(await experiments.create(site.id, req.body));
  });
  app.patch('/api/sites/:id/experiments/:experiment_id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return experiments.update(site.id, params(req).experiment_id, req.body);
  });
  app.post('/api/sites/:id/experiments/:experiment_id/start', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return experiments.start(site.id, params(req).experiment_id);
  });
  app.post('/api/sites/:id/experiments/:experiment_id/stop', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return experiments.stop(site.id, params(req).experiment_id);
  });
  app.post('/api/sites/:id/experiments/:experiment_id/winner', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    return experiments.declareWinner(site.id, params(req).experiment_id, req.body);
  });
  app.delete('/api/sites/:id/experiments/:experiment_id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    await experiments.delete(site.id, params(req).experiment_id);
    return reply.status(204).send();
  });

  // The browser script's request: a simple CORS request (text/plain JSON) like the collector's.
  await app.register(async (scope) => {
    acceptTextBodies(scope);
    scope.options('/api/experiments/assign', preflight);
    scope.post('/api/experiments/assign', async (req, reply) => {
      const now = Date.now();
      const facts = requestFacts(req, '');
      let body: unknown;
      try {
        body = JSON.parse(rawBody(req) || '{}');
      } catch {
        throw badRequest('invalid_json', 'The body is not JSON');
      }
      const input = parseInput(experimentAssignRequestSchema, body);
      const site = await ctx.meta.sites.byTrackingId(input.site_id);
      if (!site) throw new TidemarkError(404, 'unknown_site', 'No site has this tracking id');
      await checkOrigin(req, reply, site, ctx.collector, 0, now);
      await refuseOverLimit(await limiter.browser(facts.ip, site.id, 1), ctx.collector, site, 0, now);
      const who = verifyAttributionId(ctx.keys, site.id, input.aid, now);
      if (!who) throw badRequest('invalid_aid', 'aid: not an attribution id of this site, or expired');
      reply.header('cache-control', 'no-store');
      return assignments(ctx.keys, site.id, await served.get(site.id), { ...who, user_id: input.user_id }, now);
    });
  });
}
