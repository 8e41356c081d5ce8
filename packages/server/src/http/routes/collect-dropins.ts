import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { SiteRecord } from '../../meta';
import type { Admission, CollectOutcome, ContractName } from '../../ingest';
import {
  acceptTextBodies,
  assertSomethingValid,
  checkOrigin,
  collectLimiter,
  preflight,
  preflightAllowing,
  rawBody,
  refuseOverLimit,
  requestFacts,
} from './collect-common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Drop-in collectors for clients people already run, changing only the host they send to:
 * Plausible's `POST /api/event` (site named by its domain, or exactly by its tracking id) answering
 * 202 "ok" as Plausible does (with `x-plausible-dropped: 1` when the event was filtered, e.g. a bot),
 * and Umami's `POST /api/send` and `POST /api/batch` (site named by its Umami website id) answering
 * 200 JSON. Both are browser contracts: the same origin check, rate limits and pipeline as
 * /api/collect, visitors counted from IP and user agent. Errors use our JSON error body.
 */
export async function collectDropinRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const collector = ctx.collector;
  const limiter = collectLimiter(ctx);

  async function plausibleSite(ref: string | null): Promise<SiteRecord> {
    if (!ref) throw badRequest('missing_site', 'Name the site: d (domain) or an absolute u (url)');
    if (ref.length > 253) throw new TidemarkError(404, 'unknown_site', 'No site has this domain');
    const site = (await ctx.meta.sites.byDomain(ref.toLowerCase())) ?? (ref.length <= 64 ? await ctx.meta.sites.byTrackingId(ref) : null);
    if (!site) throw new TidemarkError(404, 'unknown_site', 'No site has this domain');
    return site;
  }

  async function umamiSite(ref: string | null): Promise<SiteRecord> {
    if (!ref) throw badRequest('missing_site', 'Name the site: payload.website (the site’s Umami website id)');
    if (!UUID.test(ref)) throw badRequest('invalid_website', 'payload.website must be a website id (UUID)');
    const site = await ctx.meta.sites.byUmamiWebsiteId(ref);
    if (!site) throw new TidemarkError(404, 'unknown_site', 'No site has this website id');
    return site;
  }

  /** Reads the body, names the site, checks origin and limits, collects; the caller shapes the answer. */
  async function collect(
    req: FastifyRequest,
    reply: FastifyReply,
    contract: ContractName,
    resolve: (ref: string | null) => Promise<SiteRecord>,
  ): Promise<{ outcome: CollectOutcome; count: number }> {
    const receivedAt = Date.now();
    const context = requestFacts(req, '');
    const admission: Admission = await collector.admit(contract, rawBody(req));
    try {
      const site = await resolve(admission.fields.siteRef);
      admission.check();
      const count = admission.fields.count;
      await checkOrigin(req, reply, site, collector, count, receivedAt);
      await refuseOverLimit(await limiter.browser(context.ip, site.id, count), collector, site, count, receivedAt);
      const outcome = await admission.collect({ ...context, site, trust: 'browser', receivedAt, sentAt: null });
      assertSomethingValid(outcome, count);
      return { outcome, count };
    } finally {
      admission.release();
    }
  }

  await app.register(async (scope) => {
    acceptTextBodies(scope);

    scope.options('/api/event', preflight);
    scope.post('/api/event', async (req, reply) => {
      const { outcome } = await collect(req, reply, 'plausible.event', plausibleSite);
      if (outcome.accepted === 0) reply.header('x-plausible-dropped', '1');
      return reply.status(202).type('text/plain; charset=utf-8').send('ok');
    });

    const umamiPreflight = preflightAllowing('Content-Type, x-umami-cache');
    scope.options('/api/send', umamiPreflight);
    scope.options('/api/batch', umamiPreflight);
    // Umami answers a cache token its script sends back; sessions here need none, so it is empty.
    scope.post('/api/send', async (req, reply) => {
      const { outcome } = await collect(req, reply, 'umami.send', umamiSite);
      return reply.status(200).send({ cache: '', events_received: outcome.accepted });
    });
    scope.post('/api/batch', async (req, reply) => {
      const { outcome, count } = await collect(req, reply, 'umami.batch', umamiSite);
      return reply.status(200).send({ size: count, processed: count - outcome.quarantined, errors: outcome.quarantined, cache: '' });
    });
  });
}
