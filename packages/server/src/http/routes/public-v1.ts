import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, parseQuery } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { keyAllows, requirePrincipal, requireSiteAccess } from '../../auth';
import { GoalService } from '../../goals';
import type { SiteRecord } from '../../meta';
import { statsAnswerer } from './stats-answer';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/** What the public API shows of a site. */
export function publicSite(s: SiteRecord) {
  return {
    id: s.id,
    name: s.name,
    domain: s.domain,
    timezone: s.timezone,
    tracking_id: s.tracking_id,
    created_at: new Date(s.created_at).toISOString(),
  };
}

/**
 * Public API v1 (InsightHub PRD §7.4): `Authorization: Bearer <key>` (a signed-in dashboard session
 * works too). Keys need the "read" permission and only see their organization's sites, or their one
 * site when scoped. Stats take the same parameters as the dashboard API; `POST /v1/query` takes a
 * Query as JSON (see /v1/openapi.json).
 */
export function publicV1Routes(app: FastifyInstance, ctx: AppContext): void {
  // Goal filters, the goal dimension and conversion metrics need the site's goal definitions.
  const goals = new GoalService(ctx.meta, ctx.stats);
  app.get('/v1/sites', async (req) => {
    const p = await requirePrincipal(ctx, req);
    if (p.kind === 'key' && !keyAllows(p.key.permissions, 'read')) throw forbidden('This API key lacks the "read" permission');
    let sites = await ctx.meta.sites.listByOrg(p.orgId);
    if (p.kind === 'key' && p.key.site_id) sites = sites.filter((s) => s.id === p.key.site_id);
    return { sites: sites.map(publicSite) };
  });

  const answer = statsAnswerer(ctx);
  app.get('/v1/sites/:id/stats', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    return answer(site, req.query, reply);
  });

  app.get('/v1/sites/:id/realtime', async (req) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    return ctx.stats.realtime(site);
  });

  app.get('/v1/sites/:id/events', async (req) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    return ctx.stats.rawEvents(site, req.query);
  });

  app.post('/v1/query', async (req) => {
    const body = req.body as { site_id?: unknown } | undefined;
    // Who is asking comes first (401/403/404 before 400); the site named in the body is checked once.
    if (body && typeof body === 'object' && typeof body.site_id === 'string' && body.site_id.length <= 64) {
      const site = await requireSiteAccess(ctx, req, body.site_id, 'read');
      return ctx.stats.query(parseQuery(body), await goals.statsSite(site));
    }
    await requirePrincipal(ctx, req);
    parseQuery(body ?? {});
    throw forbidden('Query names no site'); // unreachable: site_id is required by the schema
  });
}
