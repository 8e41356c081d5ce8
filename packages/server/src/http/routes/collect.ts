import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { SiteRecord } from '../../meta';
import { parseTimestamp, type Admission, type ContractName } from '../../ingest';
import {
  acceptTextBodies,
  assertSomethingValid,
  checkOrigin,
  collectLimiter,
  header,
  preflight,
  rawBody,
  refuseOverLimit,
  requestFacts,
  ACCEPT_CH,
  type RequestFacts,
} from './collect-common';

/**
 * Browser collection (InsightHub PRD §7.1): `POST /api/collect` and `POST /api/collect/heatmap`.
 * The site is named by `X-Site-ID` or `site_id` in the body (its tracking id). Answers 202
 * {"success":true,"events_received":n} once the batch is durable.
 */
export async function collectRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const collector = ctx.collector;
  const limiter = collectLimiter(ctx);

  async function resolveSite(req: FastifyRequest, bodySiteId: string | null | undefined): Promise<SiteRecord> {
    const trackingId = header(req, 'x-site-id') || bodySiteId?.trim() || '';
    if (!trackingId) throw badRequest('missing_site', 'Name the site: X-Site-ID header or site_id in the body');
    if (trackingId.length > 64) throw badRequest('unknown_site', 'Unknown site');
    const site = await ctx.meta.sites.byTrackingId(trackingId);
    if (!site) throw new TidemarkError(404, 'unknown_site', 'No site has this tracking id');
    return site;
  }

  async function ingest(admission: Admission, context: RequestFacts, site: SiteRecord, receivedAt: number) {
    const sentAt = parseTimestamp(admission.fields.sentAt);
    const outcome = await admission.collect({
      ...context,
      site,
      trust: 'browser',
      receivedAt,
      sentAt: sentAt !== null && Number.isFinite(sentAt) ? sentAt : null,
    });
    assertSomethingValid(outcome, admission.fields.count);
    // Revenue events become transactions (revenue/); the answer carries the attribution id of the last
    // visitor and session, which the tracker keeps for getAttributionId() (docs/revenue.md).
    await ctx.revenue.collected(site.id, outcome.refs);
    const aid = ctx.revenue.attributionId(site.id, outcome.refs);
    const x = await ctx.trackerExtensions.forSession(site, outcome.refs?.last);
    const rejected = outcome.filtered + outcome.quarantined;
    return {
      success: true,
      events_received: outcome.accepted,
      ...(rejected ? { events_rejected: rejected } : {}),
      ...(aid ? { aid } : {}),
      ...(x.length ? { x } : {}),
    };
  }

  /** Both browser endpoints: read the body, name the site, check the origin, collect. */
  async function handle(req: FastifyRequest, reply: FastifyReply, contract: ContractName) {
    const receivedAt = Date.now();
    reply.header('accept-ch', ACCEPT_CH);
    const context = requestFacts(req, contract === 'insighthub.collect' ? header(req, 'x-visitor-id').slice(0, 128) : '');
    const admission = await collector.admit(contract, rawBody(req));
    try {
      admission.check();
      const site = await resolveSite(req, admission.fields.siteId);
      await checkOrigin(req, reply, site, collector, admission.fields.count, receivedAt);
      const count = admission.fields.count;
      await refuseOverLimit(await limiter.browser(context.ip, site.id, count), collector, site, count, receivedAt);
      return reply.status(202).send(await ingest(admission, context, site, receivedAt));
    } finally {
      admission.release();
    }
  }

  await app.register(async (scope) => {
    acceptTextBodies(scope);

    scope.options('/api/collect', preflight);
    scope.options('/api/collect/heatmap', preflight);

    scope.post('/api/collect', (req, reply) => handle(req, reply, 'insighthub.collect'));
    scope.post('/api/collect/heatmap', (req, reply) => handle(req, reply, 'insighthub.heatmap'));
  });
}
