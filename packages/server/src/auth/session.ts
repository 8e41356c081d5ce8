import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context';
import type { Role, SessionRecord, UserRecord } from '../meta';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './cookies';

/** A signed-in user, with the organization the session is currently on (null when they belong to none). */
export interface UserSession {
  session: SessionRecord;
  user: UserRecord;
  orgId: string | null;
  role: Role | null;
  /** The reseller organization the session came through when it shows one of its clients, else null. */
  viaOrgId: string | null;
}

/** last_seen_at is written at most this often, so most requests only read the session row. */
const TOUCH_EVERY_MS = 60_000;

const cacheKey = Symbol('tidemark.userSession');
type Cached = { [cacheKey]?: Promise<UserSession | null> };

/** Starts a login session and sets its cookie. */
export async function startSession(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  orgId: string | null,
): Promise<SessionRecord> {
  const { token, record } = await ctx.meta.sessions.create({
    userId,
    orgId,
    absoluteMs: ctx.auth.sessionMaxMs,
    userAgent: req.headers['user-agent'] ?? '',
  });
  setSessionCookie(req, reply, token, record.expires_at);
  (req as Cached)[cacheKey] = undefined;
  return record;
}

/** Replaces the session token (same user, org and absolute end) and invalidates the old one. */
export async function rotateSession(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  current: SessionRecord,
): Promise<SessionRecord> {
  const { token, record } = await ctx.meta.sessions.create({
    userId: current.user_id,
    orgId: current.org_id,
    viaOrgId: current.via_org_id,
    absoluteMs: ctx.auth.sessionMaxMs,
    expiresAt: current.expires_at,
    userAgent: req.headers['user-agent'] ?? '',
  });
  await ctx.meta.sessions.delete(current.id);
  setSessionCookie(req, reply, token, record.expires_at);
  return record;
}

/**
 * Ends the session whose cookie the request presents, if any (whoever it belongs to): a new sign-in
 * replaces it instead of leaving it valid beside the new one (no session fixation, no forgotten sessions).
 */
export async function endPresentedSession(ctx: AppContext, req: FastifyRequest): Promise<void> {
  const token = readSessionToken(req);
  if (!token) return;
  const s = await ctx.meta.sessions.byToken(token);
  if (s) await ctx.meta.sessions.delete(s.id);
  (req as Cached)[cacheKey] = undefined;
}

export async function endSession(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = readSessionToken(req);
  if (token) {
    const s = await ctx.meta.sessions.byToken(token);
    if (s) await ctx.meta.sessions.delete(s.id);
  }
  clearSessionCookie(req, reply);
}

/**
 * The session behind the request's cookie, enforcing idle and absolute timeouts and re-checking the
 * membership on every request (a removed member loses access at once). Memoized per request.
 */
export function resolveUserSession(ctx: AppContext, req: FastifyRequest): Promise<UserSession | null> {
  const r = req as Cached;
  r[cacheKey] ??= loadUserSession(ctx, req);
  return r[cacheKey]!;
}

async function loadUserSession(ctx: AppContext, req: FastifyRequest): Promise<UserSession | null> {
  const token = readSessionToken(req);
  if (!token) return null;
  const session = await ctx.meta.sessions.byToken(token);
  if (!session) return null;
  const now = Date.now();
  if (session.expires_at <= now || now - session.last_seen_at > ctx.auth.sessionIdleMs) {
    await ctx.meta.sessions.delete(session.id);
    return null;
  }
  const user = await ctx.meta.users.byId(session.user_id);
  if (!user?.is_active) return null;
  if (now - session.last_seen_at > TOUCH_EVERY_MS) await ctx.meta.sessions.touch(session.id, now);

  let orgId = session.org_id;
  let role = orgId ? await ctx.meta.members.roleOf(orgId, user.id) : null;
  let viaOrgId: string | null = null;
  if (!role && orgId && session.via_org_id) {
    // Switched into a client by its reseller: an admin there while still an admin (or owner) of the
    // reseller and the organization still its client.
    role = await resellerRole(ctx, orgId, session.via_org_id, user.id);
    if (role) viaOrgId = session.via_org_id;
  }
  if (!role) {
    // The current organization is gone (or never set): fall back to the user's first one.
    const first = (await ctx.meta.orgs.listForUser(user.id))[0];
    orgId = first?.id ?? null;
    role = first?.role ?? null;
    if (orgId !== session.org_id || session.via_org_id) await ctx.meta.sessions.setOrg(session.id, orgId);
    session.org_id = orgId;
    session.via_org_id = null;
  }
  const hostOrg = await appHostOrg(ctx, req.hostname);
  if (hostOrg && !(await hostAdmits(ctx, hostOrg, orgId))) {
    // On an organization's own app host only its sessions count (a reseller's: its clients' too). A session
    // showing another organization moves to one the host serves, or is no session here (docs/domains.md).
    let pick: { id: string; role: Role } | null = null;
    for (const o of await ctx.meta.orgs.listForUser(user.id)) {
      if (await hostAdmits(ctx, hostOrg, o.id)) {
        pick = o;
        break;
      }
    }
    if (!pick) return null;
    orgId = pick.id;
    role = pick.role;
    viaOrgId = null;
    await ctx.meta.sessions.setOrg(session.id, orgId);
    session.org_id = orgId;
    session.via_org_id = null;
  }
  return { session, user, orgId, role, viaOrgId };
}

/**
 * The role a reseller's admin has in one of its clients: admin, when the user is an owner or admin of
 * `resellerId`, that organization is (still) a reseller and `orgId` is (still) its client; else null.
 */
export async function resellerRole(ctx: AppContext, orgId: string, resellerId: string, userId: string): Promise<Role | null> {
  const [client, reseller, role] = await Promise.all([
    ctx.meta.tenancy.get(orgId),
    ctx.meta.tenancy.get(resellerId),
    ctx.meta.members.roleOf(resellerId, userId),
  ]);
  if (!client || !reseller?.is_reseller || client.parent_org_id !== resellerId) return null;
  return role === 'owner' || role === 'admin' ? 'admin' : null;
}

/** Forgets the memoized session (after switching organization within the same request). */
export function forgetResolvedSession(req: FastifyRequest): void {
  (req as Cached)[cacheKey] = undefined;
}

/** The organization whose verified app host the request came in on, or null (docs/domains.md). */
export async function appHostOrg(ctx: AppContext, hostname: string): Promise<string | null> {
  const d = await ctx.meta.orgDomains.byHost(hostname.toLowerCase());
  return d && d.kind === 'app' && d.verified_at !== null ? d.org_id : null;
}

/**
 * Whether a verified app host of `hostOrgId` admits a session of `orgId`: its own organization, and for
 * a reseller its clients too (their people sign in on the reseller's host, under its brand).
 */
export async function hostAdmits(ctx: AppContext, hostOrgId: string, orgId: string | null): Promise<boolean> {
  if (!orgId) return false;
  if (orgId === hostOrgId) return true;
  const [t, host] = await Promise.all([ctx.meta.tenancy.get(orgId), ctx.meta.tenancy.get(hostOrgId)]);
  return !!host?.is_reseller && t?.parent_org_id === hostOrgId;
}
