import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { z } from 'zod';
import { notFound, TidemarkError, unauthorized } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import {
  appHostOrg,
  assertNotCrossSite,
  burnVerify,
  confirmEmail,
  endPresentedSession,
  endSession,
  forwardedForWarning,
  forgetResolvedSession,
  hashPassword,
  hostAdmits,
  registerAccount,
  requestOrigin,
  requireUserSession,
  resolveUserSession,
  rotateSession,
  startSession,
  verifyPassword,
} from '../../auth';
import { parseInput } from '../errors';
import { meView } from './auth-views';
import { brandingFor } from '../../tenancy';

export const emailSchema = z.string().trim().toLowerCase().max(320).pipe(z.email());
/** Long passphrases welcome; the cap only bounds hashing work. */
export const passwordSchema = z.string().min(8, 'Password must be at least 8 characters').max(256);

const registerBody = z.object({
  email: emailSchema.optional(),
  password: passwordSchema,
  name: z.string().trim().max(255).optional(),
  org_name: z.string().trim().min(1).max(120).optional(),
  organization_name: z.string().trim().min(1).max(120).optional(),
  /** An invitation token: the account joins the inviting organization. */
  invitation: z.string().min(10).max(200).optional(),
});

const loginBody = z.object({ email: z.string().trim().max(320), password: z.string().max(256) });
const passwordBody = z.object({ current_password: z.string().max(256), new_password: passwordSchema });
const switchBody = z.object({ org_id: z.string().min(1).max(64) });
const verifyBody = z.object({ token: z.string().min(20).max(200), password: z.string().max(256) });

/** POST /api/auth/register|login|logout|refresh|password|org|verify-email, GET /api/auth/me|setup. */
export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Cookie parsing for every route (req.cookies), and it loads the parser/serializer auth/cookies.ts uses.
  await app.register(fastifyCookie);
  // Registered first, on the root: seen by every route's requests.
  const proxyCheck = forwardedForWarning(ctx.config.trustedProxies);
  app.addHook('onRequest', async (req) => proxyCheck(req));

  app.get('/api/auth/setup', async () => {
    const users = await ctx.meta.users.count();
    // Open sign-up is offered only when it can work: its accounts confirm their e-mail.
    return {
      needs_setup: users === 0,
      open_signup: ctx.config.openSignup && ctx.auth.mailer.configured,
      smtp_configured: ctx.auth.mailer.configured,
    };
  });

  app.post('/api/auth/register', async (req, reply) => {
    assertNotCrossSite(ctx, req);
    const body = parseInput(registerBody, req.body ?? {});
    if (!body.email && !body.invitation) throw new TidemarkError(400, 'validation_error', 'email: Required');
    await ctx.auth.signupBudget.consume(req.ip);
    const hostOrg = await appHostOrg(ctx, req.hostname);
    const outcome = await registerAccount(
      ctx,
      {
        email: body.email ?? '',
        password: body.password,
        name: body.name,
        orgName: body.org_name ?? body.organization_name,
        invitationToken: body.invitation,
      },
      ctx.config.publicUrl ?? requestOrigin(req),
      hostOrg ? await brandingFor(ctx.meta, hostOrg) : null,
      hostOrg,
    );
    if (outcome.status === 'check_email') {
      // The same answer whether or not the address was already registered.
      reply.status(202);
      return { status: 'check_email', message: 'If this address can be used, a confirmation link is on its way to it' };
    }
    const reg = outcome.registration;
    await endPresentedSession(ctx, req);
    const session = await startSession(ctx, req, reply, reg.user.id, reg.orgId);
    reply.status(201);
    return meView(ctx, { user: reg.user, orgId: reg.orgId, session });
  });

  /** Confirms an open-signup account's e-mail (the link's token, with the password chosen at sign-up) and signs it in. */
  app.post('/api/auth/verify-email', async (req, reply) => {
    assertNotCrossSite(ctx, req);
    const { token, password } = parseInput(verifyBody, req.body ?? {});
    const user = await confirmEmail(ctx, token, password, req.ip);
    await endPresentedSession(ctx, req);
    const first = (await ctx.meta.orgs.listForUser(user.id))[0];
    const session = await startSession(ctx, req, reply, user.id, first?.id ?? null);
    return meView(ctx, { user, orgId: session.org_id, session });
  });

  app.post('/api/auth/login', async (req, reply) => {
    assertNotCrossSite(ctx, req);
    const body = parseInput(loginBody, req.body ?? {});
    await ctx.auth.loginThrottle.check(body.email, req.ip);
    const creds = await ctx.meta.users.credentialsByEmail(body.email);
    // Without an account the same work is done, so timing does not tell which e-mails exist.
    let ok = false;
    if (creds) ok = await verifyPassword(creds.passwordHash, body.password);
    else await burnVerify(body.password);
    if (!creds || !ok || !creds.user.is_active) {
      await ctx.auth.loginThrottle.fail(body.email, req.ip);
      throw new TidemarkError(401, 'invalid_credentials', 'Email or password is incorrect');
    }
    // On an organization's app host only its members sign in, into that organization (docs/domains.md).
    // A reseller's host signs its clients' people in too, into their client.
    const appOrg = await appHostOrg(ctx, req.hostname);
    const hostOrgs: string[] = [];
    if (appOrg)
      for (const o of await ctx.meta.orgs.listForUser(creds.user.id)) if (await hostAdmits(ctx, appOrg, o.id)) hostOrgs.push(o.id);
    if (appOrg && !hostOrgs.length) {
      await ctx.auth.loginThrottle.fail(body.email, req.ip);
      throw new TidemarkError(401, 'invalid_credentials', 'Email or password is incorrect');
    }
    await ctx.auth.loginThrottle.succeed(body.email, req.ip);
    if (await ctx.meta.emailVerifications.isPending(creds.user.id)) {
      throw new TidemarkError(
        403,
        'email_not_verified',
        'Confirm your e-mail address first: follow the link we sent (sign up again to get a new one)',
      );
    }
    await ctx.meta.sessions.deleteExpired(ctx.auth.sessionIdleMs);
    await endPresentedSession(ctx, req);
    const first = appOrg ? hostOrgs[0]! : ((await ctx.meta.orgs.listForUser(creds.user.id))[0]?.id ?? null);
    const session = await startSession(ctx, req, reply, creds.user.id, first);
    return meView(ctx, { user: creds.user, orgId: session.org_id, session });
  });

  app.post('/api/auth/logout', async (req, reply) => {
    // A stale or missing session still clears the cookie; a live one must come from our own pages.
    const us = await resolveUserSession(ctx, req);
    if (us) await requireUserSession(ctx, req);
    await endSession(ctx, req, reply);
    return reply.status(204).send();
  });

  app.post('/api/auth/refresh', async (req, reply) => {
    const us = await requireUserSession(ctx, req);
    const session = await rotateSession(ctx, req, reply, us.session);
    return meView(ctx, { user: us.user, orgId: us.orgId, viaOrgId: us.viaOrgId, session });
  });

  app.get('/api/auth/me', async (req) => {
    const us = await requireUserSession(ctx, req);
    return meView(ctx, us);
  });

  app.post('/api/auth/password', async (req, reply) => {
    const us = await requireUserSession(ctx, req);
    const body = parseInput(passwordBody, req.body ?? {});
    await ctx.auth.loginThrottle.check(us.user.email, req.ip);
    const creds = await ctx.meta.users.credentialsByEmail(us.user.email);
    if (!creds || !(await verifyPassword(creds.passwordHash, body.current_password))) {
      await ctx.auth.loginThrottle.fail(us.user.email, req.ip);
      throw new TidemarkError(403, 'invalid_credentials', 'Current password is incorrect');
    }
    await ctx.auth.passwords.assertAcceptable(body.new_password);
    await ctx.meta.users.setPassword(us.user.id, await hashPassword(body.new_password));
    // Every other session of this user ends; this one continues under a fresh token.
    await ctx.meta.sessions.deleteForUser(us.user.id);
    const session = await startSession(ctx, req, reply, us.user.id, us.orgId);
    return meView(ctx, { user: us.user, orgId: us.orgId, session });
  });

  /** Switches the organization the session shows. */
  app.post('/api/auth/org', async (req) => {
    const us = await requireUserSession(ctx, req);
    const { org_id } = parseInput(switchBody, req.body ?? {});
    return switchOrg(ctx, us, org_id, req);
  });
}

export async function switchOrg(
  ctx: AppContext,
  us: Awaited<ReturnType<typeof requireUserSession>>,
  orgId: string,
  req: Parameters<typeof forgetResolvedSession>[0],
) {
  const role = await ctx.meta.members.roleOf(orgId, us.user.id);
  if (!role) throw notFound('Organization');
  await ctx.meta.sessions.setOrg(us.session.id, orgId);
  forgetResolvedSession(req);
  const fresh = await resolveUserSession(ctx, req);
  if (!fresh) throw unauthorized();
  return meView(ctx, fresh);
}
