import { sql } from 'kysely';
import { badRequest, conflict, forbidden, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../app/context';
import { normalizeEmail, type InvitationRecord, type Role, type UserRecord } from '../meta';
import { hashPassword } from './passwords';

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

/**
 * Creates an account. The very first account creates its organization and owns it; after that,
 * accounts come by invitation, or — when TIDEMARK_OPEN_SIGNUP is on — each with its own new organization.
 */
export async function registerAccount(
  ctx: AppContext,
  input: { email: string; password: string; name?: string; orgName?: string; invitationToken?: string },
): Promise<Registration> {
  if (input.invitationToken) return registerWithInvitation(ctx, input.invitationToken, input);
  const passwordHash = await hashPassword(input.password);
  const db = ctx.meta.db;
  return db.transaction().execute(async (trx) => {
    // Serialize first-run decisions on PostgreSQL so two simultaneous first sign-ups cannot both be "first".
    if (ctx.meta.dialect === 'postgres') await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing && !ctx.config.openSignup) {
      throw forbidden('Sign-up is by invitation only on this server');
    }
    const user = await ctx.meta.users.create({ email: input.email, passwordHash, name: input.name }, trx);
    const org = await ctx.meta.orgs.create(input.orgName?.trim() || defaultOrgName(user.email, input.name), trx);
    await ctx.meta.members.add(org.id, user.id, 'owner', null, trx);
    return { user, orgId: org.id, role: 'owner' as Role };
  });
}

async function pendingInvitation(ctx: AppContext, token: string): Promise<InvitationRecord> {
  const inv = await ctx.meta.invitations.pendingByToken(token);
  if (!inv) throw invalidInvitation();
  return inv;
}

/** A new account for the invited email, joined to the inviting organization with the invited role. */
async function registerWithInvitation(ctx: AppContext, token: string, input: { email?: string; password: string; name?: string }): Promise<Registration> {
  const inv = await pendingInvitation(ctx, token);
  if (input.email && normalizeEmail(input.email) !== inv.email) {
    throw badRequest('email_mismatch', 'This invitation was sent to a different email address');
  }
  if (await ctx.meta.users.byEmail(inv.email)) {
    throw conflict('email_taken', 'An account with this email already exists: sign in, then accept the invitation');
  }
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
  const passwordHash = await hashPassword(adminPassword);
  await ctx.meta.db.transaction().execute(async (trx) => {
    const user = await ctx.meta.users.create({ email: adminEmail, passwordHash, name: 'Admin' }, trx);
    const org = await ctx.meta.orgs.create('Default organization', trx);
    await ctx.meta.members.add(org.id, user.id, 'owner', null, trx);
  });
  log(`Created owner account ${normalizeEmail(adminEmail)} from TIDEMARK_ADMIN_EMAIL`);
}
