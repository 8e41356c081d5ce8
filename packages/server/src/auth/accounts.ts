import { sql } from 'kysely';
import { badRequest, conflict, forbidden, TidemarkError, type MailBrand } from '@tidemark/core';
import type { AppContext } from '../app/context';
import { normalizeEmail, sha256Hex, type InvitationRecord, type OrgTenancy, type Role, type UserRecord } from '../meta';
import { hashPassword, verifyPassword } from './passwords';
import { isCommonPassword } from './breached';
import { brandMail } from './mailer';

export interface Registration {
  user: UserRecord;
  orgId: string;
  role: Role;
}

const invalidInvitation = () => new TidemarkError(404, 'invitation_not_found', 'This invitation is invalid, expired or already used');

function defaultOrgName(email: string, name?: string): string {
  const who = name?.trim() || email.split('@')[0] || 'My';
  return `${who}'s organization`.slice(0, 120);
}

const SIGNUP_MAILS_PER_HOUR = 5;

/** What a registration led to: a signed-up account, or (open sign-up) "check your e-mail". */
export type RegisterOutcome = { status: 'created'; registration: Registration } | { status: 'check_email' };

/**
 * Creates an account. The very first account creates its organization and owns it; after that,
 * accounts come by invitation, or — when TIDEMARK_OPEN_SIGNUP is on — each with its own new organization,
 * usable only once its e-mail is confirmed. Open sign-up answers alike whether or not the address is
 * registered; the mailbox learns which (a confirmation link, or a note that the account exists).
 * `linkBase` is the origin e-mailed links point at. On a reseller's verified app host (`hostOrgId`) the
 * new organization becomes that reseller's client, within its `max_sub_organizations` (409 when full).
 */
export async function registerAccount(
  ctx: AppContext,
  input: { email: string; password: string; name?: string; orgName?: string; invitationToken?: string },
  linkBase = ctx.config.publicUrl ?? '',
  brand: MailBrand | null = null,
  hostOrgId: string | null = null,
): Promise<RegisterOutcome> {
  if (input.invitationToken) return { status: 'created', registration: await registerWithInvitation(ctx, input.invitationToken, input) };
  await ctx.auth.passwords.assertAcceptable(input.password);
  if (ctx.config.openSignup && !ctx.auth.mailer.configured && (await ctx.meta.users.count()) > 0) {
    throw new TidemarkError(
      503,
      'signup_unavailable',
      'Sign-up needs e-mail confirmation, and this server has no mail configured (SMTP_URL)',
    );
  }
  const reseller = await signupReseller(ctx, hostOrgId);
  const passwordHash = await hashPassword(input.password);
  const db = ctx.meta.db;
  const email = normalizeEmail(input.email);
  const done = await db.transaction().execute(async (trx) => {
    // Serialize first-run decisions on PostgreSQL so two simultaneous first sign-ups cannot both be "first".
    if (ctx.meta.dialect === 'postgres') await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing && !ctx.config.openSignup) {
      throw forbidden('Sign-up is by invitation only on this server');
    }
    if (existing) {
      const taken = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (taken) return { kind: 'taken' as const, userId: taken.id };
    }
    const user = await ctx.meta.users.create({ email, passwordHash, name: input.name }, trx);
    const org = await ctx.meta.orgs.create(input.orgName?.trim() || defaultOrgName(user.email, input.name), trx);
    await ctx.meta.members.add(org.id, user.id, 'owner', null, trx);
    if (existing && reseller) {
      await ctx.meta.tenancy.setParent(org.id, reseller.id, trx);
      await ctx.meta.tenancy.setEventLimits(org.id, { events_hard_limit: reseller.max_events_per_sub_org }, trx);
    }
    // The first account is the operator's own; every later open sign-up must prove its address.
    if (existing)
      return {
        kind: 'verify' as const,
        userId: user.id,
        orgId: org.id,
        token: (await ctx.meta.emailVerifications.issue(user.id, passwordHash, ctx.auth.verificationTtlMs, trx)).token,
      };
    return { kind: 'created' as const, registration: { user, orgId: org.id, role: 'owner' as Role } };
  });
  if (done.kind === 'created') return { status: 'created', registration: done.registration };
  if (done.kind === 'verify' && reseller)
    await ctx.meta.auditLog.append({
      org_id: reseller.id,
      action: 'reseller.client_signed_up',
      outcome: 'success',
      site_id: null,
      actor: { type: 'user', id: done.userId, label: email },
      target: { type: 'organization', id: done.orgId },
      details: { host_sign_up: true },
    });
  let token = done.kind === 'verify' ? done.token : null;
  // Signing up again with an address still waiting for confirmation sends a new link, bound to this
  // sign-up's password: the earlier link stops working, and only who knows this password can confirm.
  if (!token && (await ctx.meta.emailVerifications.isPending(done.userId))) {
    token = (await ctx.meta.emailVerifications.issue(done.userId, passwordHash, ctx.auth.verificationTtlMs)).token;
  }
  // Sign-ups cannot be made to flood an inbox: a few mails per address per hour, the rest answered alike but not sent.
  const sent = await ctx.auth.counters.incr(`signup-mail:${sha256Hex(email)}`, 60 * 60_000);
  if (sent.count > SIGNUP_MAILS_PER_HOUR) return { status: 'check_email' };
  // On an organization's app host the mail is in that organization's brand.
  const product = brand?.product_name || 'Tidemark';
  await ctx.auth.mailer
    .send(
      brandMail(
        token
          ? verificationMail(email, `${linkBase}/verify-email/${encodeURIComponent(token)}`, ctx.auth.verificationTtlMs, product)
          : accountExistsMail(email, `${linkBase}/login`, product),
        brand,
      ),
    )
    .catch((err: unknown) => console.warn(`sign-up e-mail failed: ${err instanceof Error ? err.message : String(err)}`));
  return { status: 'check_email' };
}

/**
 * The reseller a sign-up on its verified app host joins as a client, or null (no such host, or its
 * organization is not a reseller). A reseller at its `max_sub_organizations` takes no sign-ups: 409. The
 * count is read before the account is made, so simultaneous sign-ups can pass the limit by those in flight.
 */
async function signupReseller(ctx: AppContext, hostOrgId: string | null): Promise<OrgTenancy | null> {
  const t = hostOrgId ? await ctx.meta.tenancy.get(hostOrgId) : null;
  if (!t?.is_reseller) return null;
  if (t.max_sub_organizations !== null && (await ctx.meta.tenancy.countClients(t.id)) >= t.max_sub_organizations)
    throw conflict('client_limit_reached', 'This service takes no new organizations at the moment; ask its provider');
  return t;
}

const verificationMail = (to: string, url: string, ttlMs: number, product: string) => ({
  to,
  subject: `Confirm your e-mail address for ${product}`,
  text: `Someone (hopefully you) created a ${product} account with this address.\n\nConfirm it to sign in: ${url}\n\nThe link works once, for ${Math.round(ttlMs / 3_600_000)} hours. If this was not you, ignore this message.`,
});

const accountExistsMail = (to: string, url: string, product: string) => ({
  to,
  subject: `Your ${product} account`,
  text: `Someone tried to create a ${product} account with this address, which already has one.\n\nSign in: ${url}\n\nIf this was not you, you can ignore this message.`,
});

const badLink = () => new TidemarkError(404, 'verification_not_found', 'This confirmation link is invalid, expired or already used');

/**
 * Confirms an open-signup account's e-mail by its link token and the password chosen when signing up
 * (the one the link was sent for); that password becomes the account's. 404 for a bad link, 403 for a
 * wrong password (counted by the sign-in throttle).
 */
export async function confirmEmail(ctx: AppContext, token: string, password: string, ip: string): Promise<UserRecord> {
  const pending = await ctx.meta.emailVerifications.byToken(token);
  const user = pending ? await ctx.meta.users.byId(pending.userId) : null;
  if (!pending || !user) throw badLink();
  await ctx.auth.loginThrottle.check(user.email, ip);
  if (!(await verifyPassword(pending.passwordHash, password))) {
    await ctx.auth.loginThrottle.fail(user.email, ip);
    throw new TidemarkError(403, 'invalid_credentials', 'Enter the password you chose when signing up');
  }
  await ctx.meta.db.transaction().execute(async (trx) => {
    if ((await ctx.meta.emailVerifications.consume(token, Date.now(), trx)) !== user.id) throw badLink();
    await ctx.meta.users.setPassword(user.id, pending.passwordHash, trx);
  });
  await ctx.auth.loginThrottle.succeed(user.email, ip);
  return user;
}

async function pendingInvitation(ctx: AppContext, token: string): Promise<InvitationRecord> {
  const inv = await ctx.meta.invitations.pendingByToken(token);
  if (!inv) throw invalidInvitation();
  return inv;
}

/** A new account for the invited email, joined to the inviting organization with the invited role. */
async function registerWithInvitation(
  ctx: AppContext,
  token: string,
  input: { email?: string; password: string; name?: string },
): Promise<Registration> {
  const inv = await pendingInvitation(ctx, token);
  if (input.email && normalizeEmail(input.email) !== inv.email) {
    throw badRequest('email_mismatch', 'This invitation was sent to a different email address');
  }
  if (await ctx.meta.users.byEmail(inv.email)) {
    throw conflict('email_taken', 'An account with this email already exists: sign in, then accept the invitation');
  }
  await ctx.auth.passwords.assertAcceptable(input.password);
  const passwordHash = await hashPassword(input.password);
  return ctx.meta.db.transaction().execute(async (trx) => {
    const user = await ctx.meta.users.create({ email: inv.email, passwordHash, name: input.name }, trx);
    if (!(await ctx.meta.invitations.markAccepted(inv.id, user.id, trx))) throw invalidInvitation();
    await ctx.meta.members.add(inv.org_id, user.id, inv.role, inv.invited_by, trx);
    return { user, orgId: inv.org_id, role: inv.role };
  });
}

/** A signed-in user joins the inviting organization; the invitation must be addressed to them. */
export async function acceptInvitationAsUser(ctx: AppContext, token: string, user: UserRecord): Promise<{ orgId: string; role: Role }> {
  const inv = await pendingInvitation(ctx, token);
  if (inv.email !== user.email) throw forbidden('This invitation was sent to a different email address');
  const existing = await ctx.meta.members.roleOf(inv.org_id, user.id);
  return ctx.meta.db.transaction().execute(async (trx) => {
    if (!(await ctx.meta.invitations.markAccepted(inv.id, user.id, trx))) throw invalidInvitation();
    if (!existing) await ctx.meta.members.add(inv.org_id, user.id, inv.role, inv.invited_by, trx);
    return { orgId: inv.org_id, role: existing ?? inv.role };
  });
}

/**
 * TIDEMARK_ADMIN_EMAIL / TIDEMARK_ADMIN_PASSWORD: make sure that account exists, owning an organization,
 * so a server can be set up without the first-run page. An existing account is left as it is.
 */
export async function bootstrapAdmin(ctx: AppContext, log: (msg: string) => void = (m) => console.log(m)): Promise<void> {
  const { adminEmail, adminPassword } = ctx.config;
  if (!adminEmail || !adminPassword) return;
  if (await ctx.meta.users.byEmail(adminEmail)) return;
  // The operator's own choice, so not refused; but said, since the account owns the server's data.
  if (isCommonPassword(adminPassword)) log('TIDEMARK_ADMIN_PASSWORD is a common, breached password: change it after signing in');
  const passwordHash = await hashPassword(adminPassword);
  await ctx.meta.db.transaction().execute(async (trx) => {
    const user = await ctx.meta.users.create({ email: adminEmail, passwordHash, name: 'Admin' }, trx);
    const org = await ctx.meta.orgs.create('Default organization', trx);
    await ctx.meta.members.add(org.id, user.id, 'owner', null, trx);
  });
  log(`Created owner account ${normalizeEmail(adminEmail)} from TIDEMARK_ADMIN_EMAIL`);
}
