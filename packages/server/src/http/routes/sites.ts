import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { keyAllows, requestOrigin, requirePrincipal, requireSiteAccess, roleAllows, type Principal } from '../../auth';
import { trackerLoaderSnippet, trackerSnippet } from '@tidemark/tracker';
import { parseInput } from '../errors';
import { dropinSnippets } from '../../compat';
import { siteCreateSchema, sitePatchSchema } from './sites-schema';
import { revenueSettingsSchema } from '../../revenue';
import { assertSiteAllowed, trackingOrigin } from '../../tenancy';

const params = (req: FastifyRequest) => req.params as { id: string };

/** May this caller create sites in its organization? Members and up; org-wide admin keys. */
function canCreateSite(p: Principal): boolean {
  if (p.kind === 'user') return roleAllows(p.role, 'write');
  return p.key.site_id === null && keyAllows(p.key.permissions, 'admin');
}

/**
 * Sites (InsightHub §7.2.2). Listing shows the current organization's sites (a site-scoped key sees
 * only its site). Reading needs any role / a read key, editing settings member+, deleting admin+.
 */
export function siteRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/sites', async (req) => {
    const p = await requirePrincipal(ctx, req);
    if (p.kind === 'key' && !keyAllows(p.key.permissions, 'read')) throw forbidden('This API key lacks the "read" permission');
    let sites = await ctx.meta.sites.listByOrg(p.orgId);
    if (p.kind === 'key' && p.key.site_id) sites = sites.filter((s) => s.id === p.key.site_id);
    return { sites };
  });

  app.post('/api/sites', async (req, reply) => {
    const p = await requirePrincipal(ctx, req);
    if (!canCreateSite(p))
      throw forbidden(
        p.kind === 'user' ? `Your role (${p.role}) cannot create sites` : 'Creating sites needs an organization-wide admin key',
      );
    const body = parseInput(siteCreateSchema, req.body ?? {});
    await assertSiteAllowed(ctx, p.orgId);
    const site = await ctx.meta.sites.create(p.orgId, { ...body, name: body.name ?? body.domain });
    reply.status(201);
    return site;
  });

  app.get('/api/sites/:id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    return { ...site, ...(await ctx.revenue.settingsView(site.id)) };
  });

  app.patch('/api/sites/:id', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'write');
    const patch = parseInput(sitePatchSchema, req.body ?? {});
    // Revenue settings (the Stripe signing secret, sealed; the reporting currency) live with revenue/.
    const revenue = parseInput(revenueSettingsSchema, req.body ?? {});
    const updated = await ctx.meta.sites.update(site.id, patch);
    await ctx.revenue.updateSettings(site.id, revenue);
    return updated && { ...updated, ...(await ctx.revenue.settingsView(site.id)) };
  });

  app.delete('/api/sites/:id', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'admin');
    // Answers at once; the site's data is purged in the background (lifecycle/), surviving restarts.
    await ctx.lifecycle.deleteSite(site);
    return reply.status(204).send();
  });

  app.get('/api/sites/:id/snippet', async (req) => {
    const site = await requireSiteAccess(ctx, req, params(req).id, 'read');
    // A verified tracking host (the organization's, else its reseller's) makes the snippet first-party.
    const origin = (await trackingOrigin(ctx.meta, site.org_id)) ?? ctx.config.publicUrl ?? requestOrigin(req);
    return {
      snippet: trackerSnippet(origin, site.tracking_id),
      loader_snippet: trackerLoaderSnippet(origin, site.tracking_id),
      tracking_id: site.tracking_id,
      script_url: `${origin}/t.js`,
      dropins: dropinSnippets(origin, site),
    };
  });
}
