import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { forbidden, notFound, type ApiKey } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireUser, roleAtLeast } from '../../auth';
import { KEY_PERMISSIONS, type ApiKeyRecord, type KeyPermission } from '../../meta';
import { parseInput } from '../errors';

const DEFAULT_RATE_LIMIT_PER_MIN = 600;

const createBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    permissions: z
      .array(z.enum(KEY_PERMISSIONS as [KeyPermission, ...KeyPermission[]]))
      .min(1)
      .max(3),
    site_id: z.string().min(1).max(64).nullable().optional(),
    rate_limit_per_min: z.number().int().min(1).max(100_000).optional(),
    expires_in_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

const keyView = (k: ApiKeyRecord): ApiKey & ApiKeyRecord => ({ ...k });

/**
 * API keys of the current organization, managed by admins and owners. The raw key is returned once,
 * at creation; only its SHA-256 is stored.
 */
export function keyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const requireKeyAdmin = async (req: FastifyRequest) => {
    const p = await requireUser(ctx, req);
    if (!roleAtLeast(p.role, 'admin')) throw forbidden('Only admins and owners manage API keys');
    return p;
  };

  app.get('/api/keys', async (req) => {
    const p = await requireKeyAdmin(req);
    return { keys: (await ctx.meta.apiKeys.listByOrg(p.orgId)).map(keyView) };
  });

  app.post('/api/keys', async (req, reply) => {
    const p = await requireKeyAdmin(req);
    const body = parseInput(createBody, req.body ?? {});
    if (body.site_id) {
      const site = await ctx.meta.sites.byId(body.site_id);
      if (!site || site.org_id !== p.orgId) throw notFound('Site');
    }
    const { record, rawKey } = await ctx.meta.apiKeys.create({
      orgId: p.orgId,
      siteId: body.site_id ?? null,
      name: body.name,
      permissions: body.permissions,
      rateLimitPerMin: body.rate_limit_per_min ?? DEFAULT_RATE_LIMIT_PER_MIN,
      createdBy: p.userId,
      expiresAt: body.expires_in_days ? Date.now() + body.expires_in_days * 86_400_000 : null,
    });
    reply.status(201);
    return { ...keyView(record), key: rawKey };
  });

  app.delete('/api/keys/:keyId', async (req, reply) => {
    const p = await requireUser(ctx, req);
    const { keyId } = req.params as { keyId: string };
    const key = await ctx.meta.apiKeys.byId(keyId);
    // A key of another organization is "not found", whatever the caller's role there.
    const role = key ? (key.org_id === p.orgId ? p.role : await ctx.meta.members.roleOf(key.org_id, p.userId)) : null;
    if (!key || !role || key.revoked_at !== null) throw notFound('API key');
    if (!roleAtLeast(role, 'admin')) throw forbidden('Only admins and owners manage API keys');
    await ctx.meta.apiKeys.revoke(key.id);
    return reply.status(204).send();
  });
}
