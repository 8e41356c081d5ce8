import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest, forbidden } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { keyAllows, requirePrincipalOrKeyHeader, roleAtLeast, type Principal } from '../../auth';
import type { SiteRecord } from '../../meta';
import { parseInput } from '../errors';
import { normalizeDomain } from './sites-schema';
import { assertSiteAllowed } from '../../tenancy';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Other fields are ignored: clients written for MetricPal may send more than its documented `name`. */
export const workspaceCreateSchema = z.object({
  name: z.string().trim().min(1).max(120),
  /** The site's host; MetricPal sends only a name, which is used when it is a host name itself. */
  domain: z.string().max(300).optional(),
  website: z.string().max(300).optional(),
});

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** A write key scoped to the workspace: returned once, when the workspace is created; null in lists. */
  api_key: z.string().nullable(),
  user_id: z.string().nullable(),
  organization_id: z.string(),
  domain: z.string(),
  tracking_id: z.string(),
  created_at: z.string(),
});

const view = (s: SiteRecord, apiKey: string | null, userId: string | null): z.infer<typeof workspaceSchema> => ({
  id: s.id,
  name: s.name,
  api_key: apiKey,
  user_id: userId,
  organization_id: s.org_id,
  domain: s.domain,
  tracking_id: s.tracking_id,
  created_at: new Date(s.created_at).toISOString(),
});

const userOf = (p: Principal) => (p.kind === 'user' ? p.userId : null);

/**
 * MetricPal's workspace API (spec 004): a workspace is a site of the caller's organization, and its API key
 * a write key scoped to that site (usable with `X-API-Key` on /api/v1/collect). Listing needs read access;
 * creating needs what creating a site and a key needs (an admin or owner, or an organization-wide admin key).
 */
export function workspaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/workspaces', async (req) => {
    const p = await requirePrincipalOrKeyHeader(ctx, req);
    if (p.kind === 'key' && !keyAllows(p.key.permissions, 'read') && !keyAllows(p.key.permissions, 'write'))
      throw forbidden('This API key lacks the "read" permission');
    let sites = await ctx.meta.sites.listByOrg(p.orgId);
    if (p.kind === 'key' && p.key.site_id) sites = sites.filter((s) => s.id === p.key.site_id);
    return sites.map((s) => view(s, null, userOf(p)));
  });

  app.post('/api/v1/workspaces', async (req, reply) => {
    const p = await requirePrincipalOrKeyHeader(ctx, req);
    const admin = p.kind === 'user' ? roleAtLeast(p.role, 'admin') : p.key.site_id === null && keyAllows(p.key.permissions, 'admin');
    if (!admin) throw forbidden('Creating a workspace (a site and its key) needs an admin or owner, or an organization-wide admin key');
    const body = parseInput(workspaceCreateSchema, req.body ?? {});
    const domain = normalizeDomain(body.domain ?? body.website ?? body.name);
    if (!HOSTNAME.test(domain))
      throw badRequest('invalid_domain', 'A workspace needs the host name of its website: send "domain" (e.g. example.com)');
    await assertSiteAllowed(ctx, p.orgId);
    const site = await ctx.meta.sites.create(p.orgId, { name: body.name, domain });
    const { rawKey } = await ctx.meta.apiKeys.create({
      orgId: p.orgId,
      siteId: site.id,
      name: `Workspace ${body.name}`.slice(0, 255),
      permissions: ['write'],
      rateLimitPerMin: 600,
      createdBy: userOf(p),
      expiresAt: null,
    });
    reply.status(201);
    return view(site, rawKey, userOf(p));
  });
}
