import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, conflict, forbidden, notFound, type Invitation } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import {
  acceptInvitationAsUser,
  assertNotCrossSite,
  brandMail,
  registerAccount,
  requestOrigin,
  requireOrgRole,
  requireUserSession,
  resolveUserSession,
  startSession,
  roleAtLeast,
} from '../../auth';
import { ROLES, type InvitationRecord, type Role } from '../../meta';
import { parseInput } from '../errors';
import { brandingFor } from '../../tenancy';
import { emailSchema, passwordSchema, switchOrg } from './auth';
import { meView } from './auth-views';

const roleSchema = z.enum(ROLES as [Role, ...Role[]]);
const nameBody = z.object({ name: z.string().trim().min(1).max(120) });
const roleBody = z.object({ role: roleSchema });
const inviteBody = z.object({ email: emailSchema, role: roleSchema.default('member') });
const acceptBody = z.object({
  token: z.string().min(10).max(200).optional(),
  password: passwordSchema.optional(),
  name: z.string().trim().max(255).optional(),
});
const params = <K extends string>(req: FastifyRequest) => req.params as Record<K, string>;

const invitationView = (i: InvitationRecord): Invitation & { org_id: string; created_at: number } => ({
  id: i.id,
  org_id: i.org_id,
  email: i.email,
  role: i.role,
  created_at: i.created_at,
  expires_at: i.expires_at,
});

function acceptUrl(ctx: AppContext, req: FastifyRequest, token: string): string {
  return `${ctx.config.publicUrl ?? requestOrigin(req)}/invite/${encodeURIComponent(token)}`;
}

/**
 * Organizations, members and invitations. Every org route checks membership of the org in the path
 * (404 to outsiders); viewers and members read, admins manage members and invitations, owners manage owners.
 */
export function orgRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/orgs', async (req) => {
    const us = await requireUserSession(ctx, req);
    const orgs = await ctx.meta.orgs.listForUser(us.user.id);
    return { orgs, current_org_id: us.orgId };
  });

  app.post('/api/orgs', async (req, reply) => {
    const us = await requireUserSession(ctx, req);
    const { name } = parseInput(nameBody, req.body ?? {});
    const org = await ctx.meta.db.transaction().execute(async (trx) => {
      const o = await ctx.meta.orgs.create(name, trx);
      await ctx.meta.members.add(o.id, us.user.id, 'owner', null, trx);
      return o;
    });
    reply.status(201);
    return { ...org, role: 'owner' as Role };
  });

  app.get('/api/orgs/:orgId', async (req) => {
    const { orgId } = params<'orgId'>(req);
    const { role } = await requireOrgRole(ctx, req, orgId, 'viewer');
    const org = await ctx.meta.orgs.byId(orgId);
    if (!org) throw notFound('Organization');
    return { ...org, role };
  });

  app.patch('/api/orgs/:orgId', async (req) => {
    const { orgId } = params<'orgId'>(req);
    const { role } = await requireOrgRole(ctx, req, orgId, 'owner');
    const { name } = parseInput(nameBody, req.body ?? {});
    const org = await ctx.meta.orgs.rename(orgId, name);
    if (!org) throw notFound('Organization');
    return { ...org, role };
  });

  app.post('/api/orgs/:orgId/switch', async (req) => {
    const { orgId } = params<'orgId'>(req);
    const { user } = await requireOrgRole(ctx, req, orgId, 'viewer');
    return switchOrg(ctx, user, orgId, req);
  });

  app.get('/api/orgs/:orgId/members', async (req) => {
    const { orgId } = params<'orgId'>(req);
    await requireOrgRole(ctx, req, orgId, 'viewer');
    return { members: await ctx.meta.members.list(orgId) };
  });

  app.patch('/api/orgs/:orgId/members/:userId', async (req) => {
    const { orgId, userId } = params<'orgId' | 'userId'>(req);
    const { role: myRole } = await requireOrgRole(ctx, req, orgId, 'admin');
    const { role } = parseInput(roleBody, req.body ?? {});
    const current = await ctx.meta.members.roleOf(orgId, userId);
    if (!current) throw notFound('Member');
    // Only owners create or touch owners; admins manage admins, members and viewers.
    if ((current === 'owner' || role === 'owner') && myRole !== 'owner') throw forbidden('Only owners can change owners');
    if (current === 'owner' && role !== 'owner' && (await ctx.meta.members.countOwners(orgId)) <= 1) {
      throw conflict('last_owner', 'An organization needs at least one owner');
    }
    await ctx.meta.members.setRole(orgId, userId, role);
    return (await ctx.meta.members.list(orgId)).find((m) => m.user_id === userId);
  });

  app.delete('/api/orgs/:orgId/members/:userId', async (req, reply) => {
    const { orgId, userId } = params<'orgId' | 'userId'>(req);
    const { user, role: myRole } = await requireOrgRole(ctx, req, orgId, 'viewer');
    const self = user.user.id === userId;
    if (!self && !roleAtLeast(myRole, 'admin')) throw forbidden('Only admins and owners remove members');
    const current = await ctx.meta.members.roleOf(orgId, userId);
    if (!current) throw notFound('Member');
    if (current === 'owner' && !self && myRole !== 'owner') throw forbidden('Only owners can remove owners');
    if (current === 'owner' && (await ctx.meta.members.countOwners(orgId)) <= 1) {
      throw conflict('last_owner', 'An organization needs at least one owner');
    }
    await ctx.meta.members.remove(orgId, userId);
    return reply.status(204).send();
  });

  app.get('/api/orgs/:orgId/invitations', async (req) => {
    const { orgId } = params<'orgId'>(req);
    await requireOrgRole(ctx, req, orgId, 'admin');
    return { invitations: (await ctx.meta.invitations.listPending(orgId)).map(invitationView) };
  });

  app.post('/api/orgs/:orgId/invitations', async (req, reply) => {
    const { orgId } = params<'orgId'>(req);
    const { user, role: myRole } = await requireOrgRole(ctx, req, orgId, 'admin');
    const body = parseInput(inviteBody, req.body ?? {});
    if (body.role === 'owner' && myRole !== 'owner') throw forbidden('Only owners can invite owners');
    const existing = await ctx.meta.users.byEmail(body.email);
    if (existing && (await ctx.meta.members.roleOf(orgId, existing.id)))
      throw conflict('already_member', 'That person is already a member');
    const { record, token } = await ctx.meta.invitations.create({
      orgId,
      email: body.email,
      role: body.role,
      invitedBy: user.user.id,
      ttlMs: ctx.auth.invitationTtlMs,
    });
    const url = acceptUrl(ctx, req, token);
    const org = await ctx.meta.orgs.byId(orgId);
    // The organization's branding (its reseller's for a client) names the product and the sender (docs/domains.md).
    const brand = await brandingFor(ctx.meta, orgId);
    const emailed = await ctx.auth.mailer
      .send(
        brandMail(
          {
            to: record.email,
            subject: `You are invited to ${org?.name ?? 'an organization'} on ${brand.product_name}`,
            text: `${user.user.email} invited you to join ${org?.name ?? 'their organization'} on ${brand.product_name} as ${record.role}.\n\nAccept: ${url}\n\nThis link expires on ${new Date(record.expires_at).toUTCString()}.`,
          },
          brand,
        ),
      )
      .catch((err: unknown) => {
        req.log.warn({ err }, 'invitation email failed');
        return false;
      });
    reply.status(201);
    return { ...invitationView(record), token, accept_url: url, url, emailed };
  });

  app.delete('/api/orgs/:orgId/invitations/:invitationId', async (req, reply) => {
    const { orgId, invitationId } = params<'orgId' | 'invitationId'>(req);
    await requireOrgRole(ctx, req, orgId, 'admin');
    const inv = await ctx.meta.invitations.byId(invitationId);
    if (!inv || inv.org_id !== orgId) throw notFound('Invitation');
    await ctx.meta.invitations.delete(inv.id);
    return reply.status(204).send();
  });

  /** What the invitation page shows before accepting; the token itself is the credential. */
  app.get('/api/invitations/:token', async (req) => {
    const { token } = params<'token'>(req);
    const inv = await ctx.meta.invitations.pendingByToken(token);
    if (!inv) throw notFound('Invitation');
    const org = await ctx.meta.orgs.byId(inv.org_id);
    return {
      org_name: org?.name ?? '',
      email: inv.email,
      role: inv.role,
      expires_at: inv.expires_at,
      account_exists: !!(await ctx.meta.users.byEmail(inv.email)),
    };
  });

  const accept = async (req: FastifyRequest, reply: FastifyReply, token: string | undefined) => {
    if (!token) throw badRequest('validation_error', 'token: Required');
    // The token is the credential: check it before anything else, so a bad one is always a 404.
    if (!(await ctx.meta.invitations.pendingByToken(token))) throw notFound('Invitation');
    const body = parseInput(acceptBody, req.body ?? {});
    if (await resolveUserSession(ctx, req)) {
      const us = await requireUserSession(ctx, req);
      const joined = await acceptInvitationAsUser(ctx, token, us.user);
      return switchOrg(ctx, us, joined.orgId, req);
    }
    // Not signed in: create the invited account with the given password and sign it in.
    assertNotCrossSite(ctx, req);
    if (!body.password) throw badRequest('validation_error', 'password: Required to create the invited account (or sign in first)');
    await ctx.auth.signupBudget.consume(req.ip);
    const outcome = await registerAccount(ctx, { email: '', password: body.password, name: body.name, invitationToken: token });
    if (outcome.status !== 'created') throw new Error('an invitation always creates the account');
    const reg = outcome.registration;
    const session = await startSession(ctx, req, reply, reg.user.id, reg.orgId);
    reply.status(201);
    return meView(ctx, { user: reg.user, orgId: reg.orgId, session });
  };

  app.post('/api/invitations/:token/accept', async (req, reply) => accept(req, reply, params<'token'>(req).token));
  app.post('/api/invitations/accept', async (req, reply) => {
    const body = parseInput(acceptBody, req.body ?? {});
    return accept(req, reply, body.token);
  });
}
