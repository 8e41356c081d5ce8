import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminOrgPatchSchema, adminOrgQuerySchema } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireInstanceAdmin } from '../../auth';
import { listOrgsForAdmin, updateOrgForAdmin } from '../../tenancy';
import { parseInput } from '../errors';

const orgId = (req: FastifyRequest) => (req.params as { orgId: string }).orgId;

/**
 * Organizations on the System page (instance administrators only; docs/resellers.md): the reseller
 * flag and limits the command line (`tidemark org reseller`) sets, from the web.
 */
export function adminOrgRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/admin/orgs', async (req, reply) => {
    await requireInstanceAdmin(ctx, req);
    const { q } = parseInput(adminOrgQuerySchema, req.query ?? {});
    return reply.header('cache-control', 'no-store').send(await listOrgsForAdmin(ctx, q));
  });
  app.patch('/api/admin/orgs/:orgId', async (req) => {
    const us = await requireInstanceAdmin(ctx, req);
    const patch = parseInput(adminOrgPatchSchema, req.body ?? {});
    return updateOrgForAdmin(ctx, orgId(req), patch, { type: 'user', id: us.user.id, label: us.user.email });
  });
}
