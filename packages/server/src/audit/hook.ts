import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditEntry } from '@tidemark/core';
import type { AppContext } from '../app/context';
import type { AuditAppend } from '../meta';
import { resolveUserSession } from '../auth';
import { ruleIndex, type AuditRule } from './rules';

type Actor = AuditEntry['actor'];

/** What the hooks learn before the handler runs and carry to the answer. */
interface Pending {
  rule: AuditRule;
  actor: Actor | null;
  actorOrg: string | null;
  orgIds: string[];
  details: Record<string, unknown>;
  response?: Record<string, unknown>;
}

const pendingKey = Symbol('tidemark.audit');
type WithPending = FastifyRequest & { [pendingKey]?: Pending };

const SYSTEM: Actor = { type: 'system', id: null, label: 'system' };

function bearer(req: FastifyRequest): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

/** The caller as the audit log names it, and its current organization; null when anonymous or invalid. */
async function actorOf(ctx: AppContext, req: FastifyRequest): Promise<{ actor: Actor; orgId: string | null } | null> {
  const raw = bearer(req);
  if (raw) {
    const key = await ctx.meta.apiKeys.verify(raw).catch(() => null);
    return key ? { actor: { type: 'api_key', id: key.id, label: key.name }, orgId: key.org_id } : null;
  }
  const us = await resolveUserSession(ctx, req).catch(() => null);
  return us ? { actor: { type: 'user', id: us.user.id, label: us.user.email }, orgId: us.orgId } : null;
}

const param = (req: FastifyRequest, name: string): string | undefined => {
  const v = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
};

function bodyObject(req: FastifyRequest): Record<string, unknown> {
  return req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
}

async function userOrgs(ctx: AppContext, userId: string): Promise<string[]> {
  return (await ctx.meta.orgs.listForUser(userId)).map((o) => o.id);
}

/** Before the handler: who calls, which organization the action belongs to, and what it was before. */
async function prepare(ctx: AppContext, req: FastifyRequest, rule: AuditRule): Promise<Pending> {
  const who = await actorOf(ctx, req);
  const p: Pending = { rule, actor: who?.actor ?? null, actorOrg: who?.orgId ?? null, orgIds: [], details: {} };
  const body = bodyObject(req);
  for (const f of rule.bodyFields ?? []) if (body[f] !== undefined) p.details[f] = body[f];
  if (rule.changedFields) p.details.fields = Object.keys(body).sort();
  if (rule.org === 'site') {
    const s = await ctx.meta.sites.byId(param(req, rule.siteParam ?? 'id') ?? '');
    if (s) {
      p.orgIds = [s.org_id];
      if (rule.action === 'site.deleted') Object.assign(p.details, { name: s.name, domain: s.domain });
    }
  } else if (rule.org === 'org') {
    const orgId = param(req, 'orgId');
    if (orgId) p.orgIds = [orgId];
  } else if (rule.org === 'key') {
    const k = await ctx.meta.apiKeys.byId(param(req, 'keyId') ?? '');
    if (k) Object.assign(p, { orgIds: [k.org_id] }, { details: { ...p.details, name: k.name } });
  } else if (rule.org === 'actor' && p.actorOrg) {
    p.orgIds = [p.actorOrg];
  }
  if (rule.priorRole && p.orgIds[0]) {
    const before = await ctx.meta.members.roleOf(p.orgIds[0], param(req, 'userId') ?? '');
    if (before) p.details.previous_role = before;
  }
  return p;
}

/** After the handler: the entries to append for this answer (none when the action did not happen). */
async function entriesFor(ctx: AppContext, req: FastifyRequest, p: Pending, status: number): Promise<AuditAppend[]> {
  const { rule } = p;
  const ok = status >= 200 && status < 300;
  if (!ok && !rule.failures?.includes(status)) return [];
  const res = p.response ?? {};
  let actor = p.actor;
  let orgIds = p.orgIds;
  const details = { ...p.details };
  if (rule.org === 'response' || rule.org === 'user') {
    const user = res.user as { id?: string; email?: string } | undefined;
    if (user?.id) actor = { type: 'user', id: user.id, label: user.email ?? '' };
    const current = (res.current_org as { id?: string } | undefined)?.id;
    if (rule.org === 'response') orgIds = [current ?? (res.org_id as string) ?? (res.id as string)].filter(Boolean);
    else if (ok && user?.id) orgIds = await userOrgs(ctx, user.id);
    else {
      // A failed sign-in: the organizations of the account the e-mail names (unknown e-mails belong to none).
      const email = typeof bodyObject(req).email === 'string' ? (bodyObject(req).email as string) : '';
      const known = email ? await ctx.meta.users.byEmail(email).catch(() => null) : null;
      if (!known) return [];
      actor = { type: 'user', id: known.id, label: known.email };
      orgIds = await userOrgs(ctx, known.id);
      const code = (res.error as { code?: string } | undefined)?.code;
      details.reason = code ?? String(status);
    }
  }
  if (rule.action === 'site.created' && typeof res.org_id === 'string') orgIds = [res.org_id];
  const targetId = rule.target ? (rule.target.param ? param(req, rule.target.param) : (res.id as string | undefined)) : undefined;
  const siteId = rule.siteParam
    ? (param(req, rule.siteParam) ?? null)
    : rule.action === 'site.created'
      ? ((res.id as string) ?? null)
      : null;
  return orgIds.map((org_id) => ({
    org_id,
    action: rule.action === 'auth.login' && !ok ? 'auth.login_failed' : rule.action,
    outcome: ok ? 'success' : 'failure',
    actor: actor ?? SYSTEM,
    target: rule.target ? { type: rule.target.type, id: targetId ?? null } : null,
    site_id: siteId,
    details,
  }));
}

/**
 * Records the administrative actions of AUDIT_RULES around their routes: the caller and organization
 * are read before the handler, the entry is appended once the answer is known. Other routes pay nothing.
 * A failure to write the audit log is logged, never turned into a failed answer (the action happened).
 */
export function installAuditHooks(app: FastifyInstance, ctx: AppContext, rules = ruleIndex()): void {
  const ruleOf = (req: FastifyRequest) => (req.routeOptions.url ? rules.get(`${req.method} ${req.routeOptions.url}`) : undefined);
  app.addHook('preHandler', async (req) => {
    const rule = ruleOf(req);
    if (!rule) return;
    try {
      (req as WithPending)[pendingKey] = await prepare(ctx, req, rule);
    } catch (err) {
      req.log.warn({ err }, 'audit: reading the action before the handler failed');
    }
  });
  // Appended before the answer leaves (onSend sees the status and the body): a client that reads the
  // log right after its action finds the entry.
  app.addHook('onSend', async (req, reply, payload) => {
    const p = (req as WithPending)[pendingKey];
    if (!p) return payload;
    (req as WithPending)[pendingKey] = undefined;
    if (typeof payload === 'string' && payload.length < 256 * 1024 && /json/.test(String(reply.getHeader('content-type') ?? ''))) {
      try {
        const parsed: unknown = JSON.parse(payload);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) p.response = parsed as Record<string, unknown>;
      } catch {
        // not JSON after all: nothing to read from it
      }
    }
    try {
      for (const e of await entriesFor(ctx, req, p, reply.statusCode)) await ctx.meta.auditLog.append(e);
    } catch (err) {
      req.log.error({ err }, 'audit: appending an entry failed');
    }
    return payload;
  });
}

/** Appends one entry from code outside a route (jobs, services): the privacy job, reseller switching. */
export function recordAudit(ctx: Pick<AppContext, 'meta'>, entry: Omit<AuditAppend, 'actor'> & { actor?: Actor }): Promise<string> {
  return ctx.meta.auditLog.append({ ...entry, actor: entry.actor ?? SYSTEM });
}
