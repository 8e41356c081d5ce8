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
  if (!role) {
    // The current organization is gone (or never set): fall back to the user's first one.
    const first = (await ctx.meta.orgs.listForUser(user.id))[0];
    orgId = first?.id ?? null;
    role = first?.role ?? null;
    if (orgId !== session.org_id) await ctx.meta.sessions.setOrg(session.id, orgId);
    session.org_id = orgId;
  }
  return { session, user, orgId, role };
}

/** Forgets the memoized session (after switching organization within the same request). */
export function forgetResolvedSession(req: FastifyRequest): void {
  (req as Cached)[cacheKey] = undefined;
}
