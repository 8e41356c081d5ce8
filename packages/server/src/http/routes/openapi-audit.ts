import { auditExportQuerySchema, auditPageSchema, auditQuerySchema } from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

const orgParam = { name: 'orgId', in: 'path', required: true, description: 'Organization id', schema: { type: 'string' } };

/** The audit log (http/routes/audit.ts, audit/; docs/audit.md). */
export const auditOpenApi: OpenApiSection = (t) => {
  const pageRef = t.schema('AuditPage', auditPageSchema, 'output');
  const listParams = t.parameters(auditQuerySchema);
  const exportParams = t.parameters(auditExportQuerySchema);
  const files: Json = {
    description: 'The matching entries, newest first, as a file',
    content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
  };
  const desc =
    'Append-only record of administrative actions (sign-ins and failed sign-ins, role changes, invitations, API keys, sites, goals, funnels, ' +
    'exports, privacy requests, settings), newest first. Filter by action or area (`site`), actor, site, outcome and time; page with next_cursor.';
  return {
    '/api/orgs/{orgId}/audit': {
      get: {
        operationId: 'listAuditLog',
        tags: ['Audit log'],
        summary: "The organization's audit log (owners and admins)",
        description: desc,
        parameters: [orgParam, ...listParams],
        responses: { 200: t.json(pageRef), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/orgs/{orgId}/audit/export': {
      get: {
        operationId: 'exportAuditLog',
        tags: ['Audit log'],
        summary: 'Export the audit log as CSV or NDJSON (owners and admins; the export is itself recorded)',
        parameters: [orgParam, ...exportParams],
        responses: { 200: files, ...t.errors(400, 401, 403, 404) },
      },
    },
    '/v1/audit': {
      get: {
        operationId: 'publicAuditLog',
        tags: ['Public API'],
        summary: "The key's organization's audit log (an organization-wide key with the admin permission)",
        description: desc,
        parameters: listParams,
        responses: { 200: t.json(pageRef), ...t.errors(400, 401, 403, 429) },
      },
    },
    '/v1/audit/export': {
      get: {
        operationId: 'publicAuditLogExport',
        tags: ['Public API'],
        summary: 'Export the audit log as CSV or NDJSON (an organization-wide key with the admin permission)',
        parameters: exportParams,
        responses: { 200: files, ...t.errors(400, 401, 403, 429) },
      },
    },
  };
};
