import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireKeyForCollect } from '../../auth';
import type { Admission, ContractName } from '../../ingest';
import type { SiteRecord } from '../../meta';
import {
  acceptTextBodies,
  assertSomethingValid,
  collectLimiter,
  header,
  rawBody,
  refuseOverLimit,
  requestFacts,
  type RequestFacts,
} from './collect-common';

/**
 * Server-side collection (MetricPal guide): `POST /api/v1/collect`, `POST /api/v1/collect/optimized`
 * with `X-API-Key` (a key with write permission; an organization-wide key names the site with
 * X-Site-ID or site_id). Events name their own visitor and may be historical. Answers 200
 * {"success":true,"status":"success","events_processed":n} once the batch is durable.
 */
export async function collectV1Routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const collector = ctx.collector;
  const limiter = collectLimiter(ctx);

  async function ingest(admission: Admission, context: RequestFacts, site: SiteRecord, receivedAt: number) {
    const outcome = await admission.collect({ ...context, site, trust: 'server', receivedAt, sentAt: null });
    assertSomethingValid(outcome, admission.fields.count);
    await ctx.revenue.collected(site.id, outcome.refs);
    const rejected = outcome.filtered + outcome.quarantined;
    return {
      success: true,
      status: 'success',
      events_processed: outcome.accepted,
      events_received: outcome.accepted,
      ...(rejected ? { events_rejected: rejected } : {}),
    };
  }

  /** Reads the body, authenticates its key (from the header, or the body where the contract puts it), collects. */
  async function handle(req: FastifyRequest, contract: ContractName) {
    const receivedAt = Date.now();
    const context = requestFacts(req, '');
    const admission = await collector.admit(contract, rawBody(req));
    try {
      const f = admission.fields;
      const key = header(req, 'x-api-key') || (contract === 'metricpal.v1.optimized' ? (f.customerApiKey ?? '') : '');
      const siteHint = header(req, 'x-site-id') || (contract === 'metricpal.v1.optimized' ? f.customerSiteId : f.siteId);
      const { key: apiKey, site } = await requireKeyForCollect(ctx, key, siteHint);
      admission.check();
      // Limited per key and site, never per address: one backend sends for all of its users.
      await refuseOverLimit(await limiter.server(apiKey.id, site.id, f.count), collector, site, f.count, receivedAt);
      return await ingest(admission, context, site, receivedAt);
    } finally {
      admission.release();
    }
  }

  app.get('/api/v1/collect/health', async () => ({ status: 'healthy', service: 'collect' }));

  await app.register(async (scope) => {
    acceptTextBodies(scope);

    scope.post('/api/v1/collect', (req) => handle(req, 'metricpal.v1.collect'));
    scope.post('/api/v1/collect/optimized', (req) => handle(req, 'metricpal.v1.optimized'));
  });
}
