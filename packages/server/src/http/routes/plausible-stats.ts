import type { FastifyInstance } from 'fastify';
import { forbidden, notFound } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { keyAllows, requirePrincipal, requireSiteAccess } from '../../auth';
import { parsePlausibleQuery, runPlausibleQuery } from '../../compat';
import { GoalService } from '../../goals';
import type { SiteRecord } from '../../meta';

const bare = (d: string) =>
  d
    .trim()
    .toLowerCase()
    .replace(/^www\./, '');

/**
 * Plausible-compatible Stats API: `POST /api/v2/query` with Plausible's request and response, so
 * scripts and dashboards written for Plausible keep working against this host. `Authorization:
 * Bearer <key>` (a "read" key, or a signed-in session); `site_id` is the domain of a site the caller
 * may see (its id or tracking id work too). Domains repeat across organizations, so the site is looked
 * for among the caller's own sites only.
 */
export function plausibleStatsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const goals = new GoalService(ctx.meta, ctx.stats);
  async function siteFor(principalOrg: string, keySite: string | null, siteId: string): Promise<SiteRecord> {
    const sites = (await ctx.meta.sites.listByOrg(principalOrg)).filter((s) => keySite === null || s.id === keySite);
    const want = bare(siteId);
    const site = sites.find((s) => s.id === siteId || s.tracking_id === siteId) ?? sites.find((s) => bare(s.domain) === want);
    if (!site) throw notFound('Site');
    return site;
  }

  app.post('/api/v2/query', async (req) => {
    // Who is asking comes first (401/403 before 400), then the body, then the site it names.
    const p = await requirePrincipal(ctx, req);
    if (p.kind === 'key' && !keyAllows(p.key.permissions, 'read')) throw forbidden('This API key lacks the "read" permission');
    const q = parsePlausibleQuery(req.body ?? {});
    const named = await siteFor(p.orgId, p.kind === 'key' ? p.key.site_id : null, q.site_id);
    const site = await requireSiteAccess(ctx, req, named.id, 'read');
    return runPlausibleQuery(ctx.stats, { ...(await goals.statsSite(site)), created_at: site.created_at }, q, ctx.stats.now());
  });
}
