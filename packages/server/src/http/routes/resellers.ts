import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, clientCreateSchema, clientUpdateSchema, unauthorized } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { forgetResolvedSession, requireOrgRole, requireUserSession, resolveUserSession, type UserSession } from '../../auth';
import { recordAudit } from '../../audit';
import { clientOf, createClient, listClients, resellerOf, updateClient } from '../../tenancy';
import { parseInput } from '../errors';
import { meView } from './auth-views';

type Params = { orgId: string; clientId: string };
const params = (req: FastifyRequest) => req.params as Params;
const actorOf = (us: UserSession) => ({ type: 'user' as const, id: us.user.id, label: us.user.email });

/**
 * Resellers and usage (docs/resellers.md): a reseller's owners and admins create and manage client
 * organizations and switch into a client's dashboard and back; owners and admins of any organization
 * read its usage this month.
 */
export function resellerRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/orgs/:orgId/usage', async (req) => {
    await requireOrgRole(ctx, req, params(req).orgId, 'admin');
    return ctx.usage.usage(params(req).orgId);
  });

  app.get('/api/orgs/:orgId/clients', async (req) => {
    await requireOrgRole(ctx, req, params(req).orgId, 'admin');
    return listClients(ctx, params(req).orgId);
  });

  app.post('/api/orgs/:orgId/clients', async (req, reply) => {
    const { user } = await requireOrgRole(ctx, req, params(req).orgId, 'admin');
    const body = parseInput(clientCreateSchema, req.body ?? {});
    reply.status(201);
    return createClient(ctx, params(req).orgId, body, actorOf(user));
  });

  app.patch('/api/orgs/:orgId/clients/:clientId', async (req) => {
    const { user } = await requireOrgRole(ctx, req, params(req).orgId, 'admin');
    const body = parseInput(clientUpdateSchema, req.body ?? {});
    return updateClient(ctx, params(req).orgId, params(req).clientId, body, actorOf(user));
  });

  /** The session shows the client (as its admin) until the way back; both organizations' audit logs say so. */
  app.post('/api/orgs/:orgId/clients/:clientId/switch', async (req) => {
    const { orgId, clientId } = params(req);
    const { user } = await requireOrgRole(ctx, req, orgId, 'admin');
    await resellerOf(ctx, orgId);
    const client = await clientOf(ctx, orgId, clientId);
    await ctx.meta.sessions.setOrg(user.session.id, clientId, orgId);
    for (const org of [orgId, clientId])
      await recordAudit(ctx, {
        org_id: org,
        action: 'reseller.switched_in',
        outcome: 'success',
        actor: actorOf(user),
        target: { type: 'organization', id: clientId },
        site_id: null,
        details: { reseller: orgId, client: client.name },
      });
    return meAfterSwitch(ctx, req);
  });

  app.post('/api/auth/reseller-return', async (req) => {
    const us = await requireUserSession(ctx, req);
    if (!us.viaOrgId || !us.orgId) throw badRequest('not_switched', 'This session is not viewing a client');
    await ctx.meta.sessions.setOrg(us.session.id, us.viaOrgId);
    for (const org of [us.viaOrgId, us.orgId])
      await recordAudit(ctx, {
        org_id: org,
        action: 'reseller.switched_out',
        outcome: 'success',
        actor: actorOf(us),
        target: { type: 'organization', id: us.orgId },
        site_id: null,
        details: { reseller: us.viaOrgId },
      });
    return meAfterSwitch(ctx, req);
  });
}

async function meAfterSwitch(ctx: AppContext, req: FastifyRequest) {
  forgetResolvedSession(req);
  const fresh = await resolveUserSession(ctx, req);
  if (!fresh) throw unauthorized();
  return meView(ctx, fresh);
}
