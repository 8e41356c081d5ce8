import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, collectBodySchema, heatmapBodySchema, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { SiteRecord } from '../../meta';
import { parseTimestamp, type ContractName } from '../../ingest';
import { parseInput } from '../errors';
import {
  acceptTextBodies,
  assertBatchSize,
  assertSomethingValid,
  checkOrigin,
  header,
  parseJsonObject,
  preflight,
  rawBody,
  requestSignals,
} from './collect-common';

/**
 * Browser collection (InsightHub PRD §7.1): `POST /api/collect` and `POST /api/collect/heatmap`.
 * The site is named by `X-Site-ID` or `site_id` in the body (its tracking id). Answers 202
 * {"success":true,"events_received":n} once the batch is durable.
 */
export async function collectRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const collector = ctx.collector;

  async function resolveSite(req: FastifyRequest, bodySiteId: string | null | undefined): Promise<SiteRecord> {
    const trackingId = header(req, 'x-site-id') || bodySiteId?.trim() || '';
    if (!trackingId) throw badRequest('missing_site', 'Name the site: X-Site-ID header or site_id in the body');
    if (trackingId.length > 64) throw badRequest('unknown_site', 'Unknown site');
    const site = await ctx.meta.sites.byTrackingId(trackingId);
    if (!site) throw new TidemarkError(404, 'unknown_site', 'No site has this tracking id');
    return site;
  }

  async function ingest(
    req: FastifyRequest,
    contract: ContractName,
    raw: string,
    parsed: unknown,
    body: unknown,
    site: SiteRecord,
    sentAtInput: number | string | null | undefined,
    receivedAt: number,
    total: number,
  ) {
    const sentAt = parseTimestamp(sentAtInput);
    const outcome = await collector.collect({
      site,
      contract,
      trust: 'browser',
      receivedAt,
      sentAt: sentAt !== null && Number.isFinite(sentAt) ? sentAt : null,
      ip: req.ip,
      userAgent: header(req, 'user-agent'),
      signals: requestSignals(req),
      rawBody: raw,
      parsedBody: parsed,
      body,
      visitorHeader: contract === 'insighthub.collect' ? header(req, 'x-visitor-id').slice(0, 128) : '',
    });
    assertSomethingValid(outcome, total);
    const rejected = outcome.filtered + outcome.quarantined;
    return rejected ? { success: true, events_received: outcome.accepted, events_rejected: rejected } : { success: true, events_received: outcome.accepted };
  }

  await app.register(async (scope) => {
    acceptTextBodies(scope);

    scope.options('/api/collect', preflight);
    scope.options('/api/collect/heatmap', preflight);

    scope.post('/api/collect', async (req, reply) => {
      const receivedAt = Date.now();
      const raw = rawBody(req);
      const json = parseJsonObject(raw);
      assertBatchSize(json.events);
      const body = parseInput(collectBodySchema, json);
      const site = await resolveSite(req, body.site_id);
      await checkOrigin(req, reply, site, collector, body.events.length, receivedAt);
      const result = await ingest(req, 'insighthub.collect', raw, json, body, site, body.sent_at, receivedAt, body.events.length);
      return reply.status(202).send(result);
    });

    scope.post('/api/collect/heatmap', async (req, reply) => {
      const receivedAt = Date.now();
      const raw = rawBody(req);
      const json = parseJsonObject(raw);
      assertBatchSize(json.events);
      const body = parseInput(heatmapBodySchema, json);
      const site = await resolveSite(req, body.site_id);
      await checkOrigin(req, reply, site, collector, body.events.length, receivedAt);
      const result = await ingest(req, 'insighthub.heatmap', raw, json, body, site, body.sent_at, receivedAt, body.events.length);
      return reply.status(202).send(result);
    });
  });
}
