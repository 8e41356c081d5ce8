import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_BRANDING, orgBrandingSchema, type OrgBranding } from '@tidemark/core';
import { brandingFor } from '../../tenancy';
import type { AppContext } from '../../app/context';
import { requireOrgRole, resolveUserSession } from '../../auth';
import { parseInput } from '../errors';

/**
 * White-label branding (docs/domains.md): owners and admins set their organization's product name, logo,
 * favicon, colour, theme and e-mails (a reseller's clients inherit its brand); `GET /api/branding` tells the dashboard which to show — the organization of
 * the verified app host it is served on, else the signed-in user's current organization, else the default.
 */
export function brandingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const read = (orgId: string): Promise<OrgBranding> => brandingFor(ctx.meta, orgId);
  const org = (req: FastifyRequest) => (req.params as { orgId: string }).orgId;

  app.get('/api/orgs/:orgId/branding', async (req) => {
    await requireOrgRole(ctx, req, org(req), 'viewer');
    return read(org(req));
  });
  app.put('/api/orgs/:orgId/branding', async (req) => {
    await requireOrgRole(ctx, req, org(req), 'admin');
    const patch = parseInput(orgBrandingSchema.partial(), req.body ?? {});
    const next = parseInput(orgBrandingSchema, { ...(await read(org(req))), ...patch });
    await ctx.meta.orgBranding.set(org(req), JSON.stringify(next));
    return next;
  });

  app.get('/api/branding', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const domain = await ctx.meta.orgDomains.byHost(req.hostname.toLowerCase());
    if (domain && domain.kind === 'app' && domain.verified_at !== null) return { branding: await read(domain.org_id), app_host: true };
    const us = await resolveUserSession(ctx, req).catch(() => null);
    return { branding: us?.orgId ? await read(us.orgId) : DEFAULT_BRANDING, app_host: false };
  });
}
