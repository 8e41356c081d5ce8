import type { Config } from '../config';
import type { FastifyRequest } from 'fastify';
import { badRequest, forbidden, notFound, unauthorized, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../app/context';
import type { ApiKeyRecord, Role, SiteRecord } from '../meta';
import { assertSameOrigin } from './origin';
import { keyAllows, roleAllows, roleAtLeast, type Need } from './permissions';
import { appHostOrg, forgetResolvedSession, hostAdmits, resolveUserSession, type UserSession } from './session';

export type UserPrincipal = { kind: 'user'; userId: string; orgId: string; role: Role };
export type KeyPrincipal = { kind: 'key'; key: ApiKeyRecord; orgId: string };
export type Principal = UserPrincipal | KeyPrincipal;

/** Query parameters that would put a key in a URL (logs, history, referrers): always refused. */
const KEY_QUERY_PARAMS = ['api_key', 'apikey', 'apiKey'];

export function rejectKeyInUrl(req: FastifyRequest): void {
  const q = req.query;
  if (!q || typeof q !== 'object') return;
  for (const [name, v] of Object.entries(q as Record<string, unknown>)) {
    const values = Array.isArray(v) ? v : [v];
    if (KEY_QUERY_PARAMS.includes(name) || values.some((x) => typeof x === 'string' && x.startsWith('tm_live_'))) {
      throw badRequest('api_key_in_url', 'API keys must be sent in a header (Authorization: Bearer, or X-API-Key), never in the URL');
    }
  }
}

function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/** Verifies a raw key and spends one unit of its per-minute budget; 401 when unknown or revoked. */
async function verifyKey(ctx: AppContext, raw: string): Promise<ApiKeyRecord> {
  const key = await ctx.meta.apiKeys.verify(raw);
  if (!key) throw new TidemarkError(401, 'invalid_api_key', 'Invalid or revoked API key');
  await ctx.auth.keyLimiter.consume(key.id, key.rate_limit_per_min);
  return key;
}

/** On an organization's app host only its keys (a reseller's: its clients' too) are accepted (docs/domains.md). */
async function assertKeyOnHost(ctx: AppContext, req: FastifyRequest, key: ApiKeyRecord): Promise<void> {
  const hostOrg = await appHostOrg(ctx, req.hostname);
  if (hostOrg && !(await hostAdmits(ctx, hostOrg, key.org_id)))
    throw new TidemarkError(401, 'invalid_api_key', 'This API key is not valid on this host');
}

/**
 * Who is calling: a Bearer API key, or the session cookie of a user with a current organization.
 * null when neither is present. A bad key is an error (401), not anonymity. Cookie-authenticated
 * state-changing requests must be same-origin (403).
 */
export async function authenticate(ctx: AppContext, req: FastifyRequest): Promise<Principal | null> {
  rejectKeyInUrl(req);
  const raw = bearerToken(req);
  if (raw) {
    const key = await verifyKey(ctx, raw);
    await assertKeyOnHost(ctx, req, key);
    return { kind: 'key', key, orgId: key.org_id };
  }
  const us = await resolveUserSession(ctx, req);
  if (!us) return null;
  assertSameOrigin(ctx, req);
  if (!us.orgId || !us.role) return null;
  return { kind: 'user', userId: us.user.id, orgId: us.orgId, role: us.role };
}

/** The signed-in user's session even without an organization (me, create org, accept invitation). */
export async function requireUserSession(ctx: AppContext, req: FastifyRequest): Promise<UserSession> {
  rejectKeyInUrl(req);
  if (bearerToken(req)) throw forbidden('This endpoint needs a signed-in user, not an API key');
  const us = await resolveUserSession(ctx, req);
  if (!us) throw unauthorized();
  assertSameOrigin(ctx, req);
  return us;
}

/** Whether the account administers the instance (the System page). */
export function isInstanceAdmin(config: Pick<Config, 'instanceAdmins' | 'adminEmail'>, email: string): boolean {
  const e = email.toLowerCase();
  return config.instanceAdmins.includes(e) || config.adminEmail?.toLowerCase() === e;
}

/** A signed-in administrator of the instance (TIDEMARK_INSTANCE_ADMINS, TIDEMARK_ADMIN_EMAIL): 401 anonymous, 403 anyone else. */
export async function requireInstanceAdmin(ctx: AppContext, req: FastifyRequest): Promise<UserSession> {
  const us = await requireUserSession(ctx, req);
  if (!isInstanceAdmin(ctx.config, us.user.email)) throw forbidden('Only the instance administrators (TIDEMARK_INSTANCE_ADMINS) see this');
  return us;
}

/** A signed-in user with a current organization: 401 when anonymous, 403 for API keys. */
export async function requireUser(ctx: AppContext, req: FastifyRequest): Promise<UserPrincipal> {
  const p = await authenticate(ctx, req);
  if (!p) throw unauthorized();
  if (p.kind !== 'user') throw forbidden('This endpoint needs a signed-in user, not an API key');
  return p;
}

/** Any caller (user or key), 401 when anonymous. */
export async function requirePrincipal(ctx: AppContext, req: FastifyRequest): Promise<Principal> {
  const p = await authenticate(ctx, req);
  if (!p) throw unauthorized();
  return p;
}

/**
 * requirePrincipal for clients that send their key as `X-API-Key` (MetricPal's workspace API): that
 * header is taken when no Authorization header is present.
 */
export async function requirePrincipalOrKeyHeader(ctx: AppContext, req: FastifyRequest): Promise<Principal> {
  const raw = req.headers['x-api-key'];
  if (typeof raw === 'string' && raw.trim() && !req.headers.authorization) {
    rejectKeyInUrl(req);
    const key = await verifyKey(ctx, raw.trim());
    await assertKeyOnHost(ctx, req, key);
    return { kind: 'key', key, orgId: key.org_id };
  }
  return requirePrincipal(ctx, req);
}

/** The caller's role in a site's organization (users may belong to several), or null. */
async function roleInOrg(ctx: AppContext, p: UserPrincipal, orgId: string): Promise<Role | null> {
  return p.orgId === orgId ? p.role : ctx.meta.members.roleOf(orgId, p.userId);
}

/** Whether the principal can see the site at all (org membership, or key scope). */
export async function canSeeSite(ctx: AppContext, p: Principal, site: SiteRecord): Promise<boolean> {
  if (p.kind === 'key') return site.org_id === p.key.org_id && (p.key.site_id === null || p.key.site_id === site.id);
  return (await roleInOrg(ctx, p, site.org_id)) !== null;
}

/**
 * The site, if the caller may act on it with `need`. 401 unauthenticated; 404 when the site does not
 * exist or is outside the caller's organizations / key scope (existence never leaks); 403 when visible
 * but the role or key permission is insufficient.
 */
export async function requireSiteAccess(ctx: AppContext, req: FastifyRequest, siteId: string, need: Need): Promise<SiteRecord> {
  const p = await requirePrincipal(ctx, req);
  const site = await ctx.meta.sites.byId(siteId);
  if (!site) throw notFound('Site');
  if (p.kind === 'key') {
    if (site.org_id !== p.key.org_id || (p.key.site_id !== null && p.key.site_id !== site.id)) throw notFound('Site');
    if (!keyAllows(p.key.permissions, need)) throw forbidden(`This API key lacks the "${need}" permission`);
    return site;
  }
  const role = await roleInOrg(ctx, p, site.org_id);
  if (!role) throw notFound('Site');
  if (!roleAllows(role, need)) throw forbidden(`Your role (${role}) cannot ${need === 'admin' ? 'administer' : 'change'} this site`);
  return site;
}

/**
 * A signed-in member of `orgId` with at least `min`: 404 when not a member (or no such org), 403 when
 * the role is too low.
 */
export async function requireOrgRole(
  ctx: AppContext,
  req: FastifyRequest,
  orgId: string,
  min: Role,
): Promise<{ user: UserSession; role: Role }> {
  const us = await requireUserSession(ctx, req);
  // The session's own organization carries its role (a reseller's admin switched into a client has one there).
  const role = us.orgId === orgId ? us.role : await ctx.meta.members.roleOf(orgId, us.user.id);
  if (!role) throw notFound('Organization');
  if (!roleAtLeast(role, min)) throw forbidden(`This needs the ${min} role or higher`);
  return { user: us, role };
}

/**
 * For server-side ingestion with `X-API-Key`: the key must carry "write" (or "admin") and the site —
 * by id or tracking id, or the key's own site when it is scoped to one — must be in its scope.
 * 401 bad key; 403 no write permission or site out of scope; 400 when an org-wide key names no site.
 */
export async function requireKeyForCollect(
  ctx: AppContext,
  rawKey: string | undefined | null,
  siteId?: string | null,
): Promise<{ key: ApiKeyRecord; site: SiteRecord }> {
  if (!rawKey) throw new TidemarkError(401, 'invalid_api_key', 'Missing API key (X-API-Key header)');
  const key = await verifyKey(ctx, rawKey.trim());
  if (!keyAllows(key.permissions, 'write')) throw forbidden('This API key lacks the "write" permission');
  let site: SiteRecord | null = null;
  if (siteId) site = (await ctx.meta.sites.byId(siteId)) ?? (await ctx.meta.sites.byTrackingId(siteId));
  else if (key.site_id) site = await ctx.meta.sites.byId(key.site_id);
  else throw badRequest('site_required', 'This API key covers several sites: name the site (site_id)');
  if (!site || site.org_id !== key.org_id || (key.site_id !== null && key.site_id !== site.id)) {
    throw forbidden('This API key cannot write to that site');
  }
  return { key, site };
}

/**
 * For long-lived responses (realtime streams): whether the request's credentials still reach the site
 * with `need` right now — the session still live (not signed out, rotated or idle), the member still in
 * the organization, the key not revoked. Reads afresh every call; spends no key rate budget.
 */
export async function siteAccessHolds(ctx: AppContext, req: FastifyRequest, siteId: string, need: Need): Promise<boolean> {
  const site = await ctx.meta.sites.byId(siteId);
  if (!site) return false;
  const raw = bearerToken(req);
  if (raw) {
    const key = await ctx.meta.apiKeys.verify(raw);
    return !!key && site.org_id === key.org_id && (key.site_id === null || key.site_id === site.id) && keyAllows(key.permissions, need);
  }
  forgetResolvedSession(req);
  const us = await resolveUserSession(ctx, req);
  if (!us) return false;
  const role = us.orgId === site.org_id ? us.role : await ctx.meta.members.roleOf(site.org_id, us.user.id);
  return !!role && roleAllows(role, need);
}
