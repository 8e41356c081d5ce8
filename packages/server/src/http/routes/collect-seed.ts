import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireKeyForCollect } from '../../auth';
import type { Admission, ContractName, Trust } from '../../ingest';
import type { SiteRecord } from '../../meta';
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
} from './collect-common';

/** The page a browser request came from: its Referer, else its Origin, else the site's home page. */
export function requestPage(req: FastifyRequest, site: SiteRecord): string {
  for (const value of [header(req, 'referer'), header(req, 'origin')]) {
    if (!value || value.length > 2000) continue;
    try {
      const u = new URL(value);
      if (u.protocol === 'https:' || u.protocol === 'http:') return u.href;
    } catch {
      // not a URL: try the next one
    }
  }
  return `https://${site.domain}/`;
}

/**
 * The seed contracts' collection endpoints (specs 000 §4 and 001 §2.4.2):
 * - `POST /api/tracking/events` (and `/api/tracking/events.js`), Universal Site Tracking: one `evt_*`
 *   event or an array; the site is named by `tenantId`/`tenant_id` (its tracking id) or X-Site-ID.
 *   Answers 200 {success, message, data: {session_id, events_processed, timestamp}}.
 * - `POST /api/analytics/track`, TechStore: `{event, properties, timestamp, session_id, user_id}`; the
 *   site by X-Site-ID (or `site_id`) from a browser, or by X-API-Key from a backend. Answers 202
 *   {"success":true,"events_received":n}.
 * Browser requests must come from the site's hosts (Origin); events that name no page get the page
 * the request came from.
 */
export async function collectSeedRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const limiter = collectLimiter(ctx);

  async function siteByTrackingId(trackingId: string): Promise<SiteRecord> {
    if (!trackingId) throw badRequest('missing_site', 'Invalid tenant_id: name the site (tenantId, or the X-Site-ID header)');
    const site = trackingId.length <= 64 ? await ctx.meta.sites.byTrackingId(trackingId) : undefined;
    if (!site) throw new TidemarkError(404, 'unknown_site', 'Invalid tenant_id: no site has this tracking id');
    return site;
  }

  /** Names the site, checks origin and limits, runs the events through the pipeline. */
  async function collect(req: FastifyRequest, reply: FastifyReply, contract: ContractName, admission: Admission) {
    const receivedAt = Date.now();
    const context = requestFacts(req, '');
    const f = admission.fields;
    const apiKey = contract === 'techstore.track' ? header(req, 'x-api-key') : '';
    let site: SiteRecord;
    let trust: Trust = 'browser';
    if (apiKey) {
      const granted = await requireKeyForCollect(ctx, apiKey, header(req, 'x-site-id') || f.siteId);
      admission.check();
      site = granted.site;
      trust = 'server';
      await refuseOverLimit(await limiter.server(granted.key.id, site.id, f.count), ctx.collector, site, f.count, receivedAt);
    } else {
      admission.check();
      site = await siteByTrackingId(header(req, 'x-site-id') || f.siteId?.trim() || '');
      await checkOrigin(req, reply, site, ctx.collector, f.count, receivedAt);
      await refuseOverLimit(await limiter.browser(context.ip, site.id, f.count), ctx.collector, site, f.count, receivedAt);
    }
    const outcome = await admission.collect({ ...context, site, trust, receivedAt, sentAt: null, pageHeader: requestPage(req, site) });
    assertSomethingValid(outcome, f.count);
    return outcome;
  }

  async function universal(req: FastifyRequest, reply: FastifyReply) {
    const admission = await ctx.collector.admit('universal.tracking', rawBody(req));
    try {
      const outcome = await collect(req, reply, 'universal.tracking', admission);
      const now = new Date();
      const rejected = outcome.filtered + outcome.quarantined;
      return {
        success: true,
        message: 'Tracking events processed successfully',
        data: {
          session_id: admission.fields.sessionId || `sess_${Math.floor(now.getTime() / 1000)}`,
          events_processed: outcome.accepted,
          ...(rejected ? { events_rejected: rejected } : {}),
          timestamp: now.toISOString(),
        },
      };
    } finally {
      admission.release();
    }
  }

  async function techStore(req: FastifyRequest, reply: FastifyReply) {
    const admission = await ctx.collector.admit('techstore.track', rawBody(req));
    try {
      const outcome = await collect(req, reply, 'techstore.track', admission);
      const rejected = outcome.filtered + outcome.quarantined;
      return reply
        .status(202)
        .send(
          rejected
            ? { success: true, events_received: outcome.accepted, events_rejected: rejected }
            : { success: true, events_received: outcome.accepted },
        );
    } finally {
      admission.release();
    }
  }

  await app.register(async (scope) => {
    acceptTextBodies(scope);
    // Errors keep the common shape and add the contract's own fields (spec 000 §4: error_code, message).
    scope.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode < 400 || typeof payload !== 'string' || !req.url.startsWith('/api/tracking/')) return payload;
      return withContractError(payload, 'TRACKING_ERROR', 'Error processing tracking events');
    });
    for (const path of ['/api/tracking/events', '/api/tracking/events.js']) {
      scope.options(path, preflight);
      scope.post(path, universal);
    }
    scope.options('/api/analytics/track', preflight);
    scope.post('/api/analytics/track', techStore);
  });
}

/** An error body with the Universal Site Tracking contract's `message`, `error_code` and `debug_info` beside our `error`. */
export function withContractError(payload: string, errorCode: string, message: string): string {
  try {
    const body = JSON.parse(payload) as { success?: unknown; error?: { message?: unknown } };
    if (body.success !== false || !body.error) return payload;
    return JSON.stringify({ ...body, message, error_code: errorCode, debug_info: { error: body.error.message } });
  } catch {
    return payload;
  }
}
