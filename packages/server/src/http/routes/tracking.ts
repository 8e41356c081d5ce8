import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, isoDateSchema, notFound, universalAnalyticsRequestSchema, UNIVERSAL_EVENT_TYPES } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { localDate, universalAnalytics } from '../../stats';
import { parseInput } from '../errors';
import { acceptTextBodies } from './collect-common';
import { withContractError } from './collect-seed';

const DAY_MS = 86_400_000;

/** A date as the contract sends it: YYYY-MM-DD, or a date-time whose date part is taken (as `::DATE` would). */
function dateParam(v: string | undefined, name: string): string | null {
  if (v === undefined || v === '') return null;
  const day = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) ? v.slice(0, 10) : v;
  if (!isoDateSchema.safeParse(day).success) throw badRequest('invalid_date_range', `${name}: expected a date YYYY-MM-DD`);
  return day;
}

/** The Universal Site Tracking test answer (spec 000 §4, api.track_test). */
export function trackingTestBody(now = new Date()) {
  return {
    success: true,
    message: 'Site tracking API is operational',
    data: {
      tracking_endpoint: '/api/tracking/events',
      analytics_endpoint: '/api/tracking/analytics',
      timestamp: now.toISOString(),
      status: 'healthy',
      tenant_support: 'multi-tenant',
      industry_support: 'universal',
      supported_events: [...UNIVERSAL_EVENT_TYPES],
    },
  };
}

/**
 * Universal Site Tracking §4 reads: `GET|POST /api/tracking/analytics` (tenantId, dateFrom, dateTo;
 * by query string or JSON body) for an API key with read permission on the site or a signed-in
 * member, computed by the stats engine; and `GET|POST /api/tracking/test` (and `.js`), the
 * contract's health answer.
 */
export async function trackingRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  async function analytics(req: FastifyRequest) {
    // Who is asking comes first: an unknown tenant answers like one the caller may not see.
    await requirePrincipal(ctx, req);
    const input = req.method === 'GET' ? (req.query ?? {}) : (req.body ?? {});
    const q = parseInput(universalAnalyticsRequestSchema, input);
    const tenant = (q.tenantId ?? q.tenant_id ?? '').trim();
    if (!tenant) throw badRequest('missing_site', 'Invalid tenant_id: name the site (tenantId)');
    const found = tenant.length <= 64 ? await ctx.meta.sites.byTrackingId(tenant) : undefined;
    if (!found) throw notFound('Site');
    const site = await requireSiteAccess(ctx, req, found.id, 'read');
    const to = dateParam(q.dateTo, 'dateTo') ?? localDate(Date.now(), site.timezone);
    const from = dateParam(q.dateFrom, 'dateFrom') ?? localDate(Date.parse(`${to}T12:00:00Z`) - 30 * DAY_MS, 'UTC');
    if (from > to) throw badRequest('invalid_date_range', 'dateFrom must not be after dateTo');
    return { success: true, message: 'Site analytics retrieved successfully', data: await universalAnalytics(ctx.stats, site, from, to) };
  }

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_req, reply, payload) =>
      reply.statusCode >= 400 && typeof payload === 'string'
        ? withContractError(payload, 'ANALYTICS_ERROR', 'Error retrieving analytics')
        : payload,
    );
    scope.get('/api/tracking/analytics', analytics);
    scope.post('/api/tracking/analytics', analytics);
  });

  await app.register(async (scope) => {
    // A health check: whatever body a client sends along is not read.
    acceptTextBodies(scope);
    for (const path of ['/api/tracking/test', '/api/tracking/test.js']) {
      scope.get(path, async () => trackingTestBody());
      scope.post(path, async () => trackingTestBody());
    }
  });
}
