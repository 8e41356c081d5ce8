import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metricPalCollectBodySchema, metricPalOptimizedBodySchema } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireKeyForCollect } from '../../auth';
import type { ContractName } from '../../ingest';
import type { SiteRecord } from '../../meta';
import { parseInput } from '../errors';
import { acceptTextBodies, assertBatchSize, assertSomethingValid, header, parseJsonObject, rawBody, requestSignals } from './collect-common';

/**
 * Server-side collection (MetricPal guide): `POST /api/v1/collect`, `POST /api/v1/collect/optimized`
 * with `X-API-Key` (a key with write permission; an organization-wide key names the site with
 * X-Site-ID or site_id). Events name their own visitor and may be historical. Answers 200
 * {"success":true,"status":"success","events_processed":n} once the batch is durable.
 */
export async function collectV1Routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const collector = ctx.collector;

  async function ingest(req: FastifyRequest, contract: ContractName, raw: string, parsed: unknown, body: unknown, site: SiteRecord, receivedAt: number, total: number) {
    const outcome = await collector.collect({
      site,
      contract,
      trust: 'server',
      receivedAt,
      sentAt: null,
      ip: req.ip,
      userAgent: header(req, 'user-agent'),
      signals: requestSignals(req),
      rawBody: raw,
      parsedBody: parsed,
      body,
      visitorHeader: '',
    });
    assertSomethingValid(outcome, total);
    const rejected = outcome.filtered + outcome.quarantined;
    return { success: true, status: 'success', events_processed: outcome.accepted, events_received: outcome.accepted, ...(rejected ? { events_rejected: rejected } : {}) };
  }

  app.get('/api/v1/collect/health', async () => ({ status: 'healthy', service: 'collect' }));

  await app.register(async (scope) => {
    acceptTextBodies(scope);

    scope.post('/api/v1/collect', async (req) => {
      const receivedAt = Date.now();
      const raw = rawBody(req);
      const json = parseJsonObject(raw);
      const { site } = await requireKeyForCollect(ctx, header(req, 'x-api-key'), header(req, 'x-site-id') || (typeof json.site_id === 'string' ? json.site_id : null));
      assertBatchSize(json.events);
      const body = parseInput(metricPalCollectBodySchema, json);
      return ingest(req, 'metricpal.v1.collect', raw, json, body, site, receivedAt, body.events.length);
    });

    scope.post('/api/v1/collect/optimized', async (req) => {
      const receivedAt = Date.now();
      const raw = rawBody(req);
      const json = parseJsonObject(raw);
      const customer = json.customerObject && typeof json.customerObject === 'object' ? (json.customerObject as Record<string, unknown>) : {};
      const bodyKey = typeof customer.apiKey === 'string' ? customer.apiKey : '';
      const bodySite = typeof customer.site_id === 'string' ? customer.site_id : null;
      const { site } = await requireKeyForCollect(ctx, header(req, 'x-api-key') || bodyKey, header(req, 'x-site-id') || bodySite);
      assertBatchSize(json.actionLog);
      const body = parseInput(metricPalOptimizedBodySchema, json);
      return ingest(req, 'metricpal.v1.optimized', raw, json, body, site, receivedAt, body.actionLog.length);
    });
  });
}
