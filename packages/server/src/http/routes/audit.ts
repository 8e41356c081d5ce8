import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditExportQuerySchema, auditQuerySchema, forbidden, type AuditEntry, type AuditPage } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { keyAllows, requireOrgRole, requirePrincipal } from '../../auth';
import { toCsv } from '../../audit';
import { parseInput } from '../errors';

/** Rows an export reads at most (a page at a time). */
const EXPORT_MAX = 100_000;
const CSV_COLUMNS = ['at', 'action', 'outcome', 'actor_type', 'actor_id', 'actor_label', 'target_type', 'target_id', 'site_id', 'details'];

const flat = (e: AuditEntry) => ({
  at: e.at,
  action: e.action,
  outcome: e.outcome,
  actor_type: e.actor.type,
  actor_id: e.actor.id,
  actor_label: e.actor.label,
  target_type: e.target?.type ?? null,
  target_id: e.target?.id ?? null,
  site_id: e.site_id,
  details: e.details,
});

/**
 * The audit log of an organization (docs/audit.md): owners and admins in the dashboard
 * (`/api/orgs/{orgId}/audit`), organization-wide admin keys through the public API (`/v1/audit`).
 */
export function auditRoutes(app: FastifyInstance, ctx: AppContext): void {
  const page = async (orgId: string, query: unknown): Promise<AuditPage> => {
    const q = parseInput(auditQuerySchema, query ?? {});
    const entries = await ctx.meta.auditLog.list(orgId, q);
    const last = entries.at(-1);
    return { entries, next_cursor: entries.length === q.limit && last ? `${Date.parse(last.at)}_${last.id}` : null };
  };

  const exportLog = async (orgId: string, query: unknown, reply: FastifyReply) => {
    const { format, ...filters } = parseInput(auditExportQuerySchema, query ?? {});
    const rows: AuditEntry[] = [];
    let cursor: string | undefined;
    while (rows.length < EXPORT_MAX) {
      const batch = await ctx.meta.auditLog.list(orgId, { ...filters, limit: 1000, cursor });
      rows.push(...batch);
      const last = batch.at(-1);
      if (batch.length < 1000 || !last) break;
      cursor = `${Date.parse(last.at)}_${last.id}`;
    }
    const day = new Date().toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="audit-log-${day}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(CSV_COLUMNS, rows.map(flat)));
    return reply.type('application/x-ndjson').send(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
  };

  /** An organization-wide admin key: the log is the organization's, not one site's. */
  const keyOrg = async (req: FastifyRequest): Promise<string> => {
    const p = await requirePrincipal(ctx, req);
    if (p.kind !== 'key') throw forbidden('The public API takes an API key (Authorization: Bearer)');
    if (!keyAllows(p.key.permissions, 'admin') || p.key.site_id !== null)
      throw forbidden('The audit log needs an organization-wide API key with the "admin" permission');
    return p.orgId;
  };

  const orgId = (req: FastifyRequest) => (req.params as { orgId: string }).orgId;

  app.get('/api/orgs/:orgId/audit', async (req) => {
    await requireOrgRole(ctx, req, orgId(req), 'admin');
    return page(orgId(req), req.query);
  });
  app.get('/api/orgs/:orgId/audit/export', async (req, reply) => {
    await requireOrgRole(ctx, req, orgId(req), 'admin');
    return exportLog(orgId(req), req.query, reply);
  });
  app.get('/v1/audit', async (req) => page(await keyOrg(req), req.query));
  app.get('/v1/audit/export', async (req, reply) => exportLog(await keyOrg(req), req.query, reply));
}
