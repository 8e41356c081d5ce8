import { z } from 'zod';
import {
  adminOrgListSchema,
  adminOrgPatchSchema,
  adminOrgSchema,
  clientCreateSchema,
  clientListSchema,
  clientSchema,
  clientUpdateSchema,
  usageSchema,
} from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

const orgParam = { name: 'orgId', in: 'path', required: true, description: 'Organization id', schema: { type: 'string' } };
const clientParam = { name: 'clientId', in: 'path', required: true, description: "Client organization's id", schema: { type: 'string' } };

/** What a switch answers: the session's user and organizations, with the client it now shows. */
const switchedSchema = z.object({
  current_org: z.object({ id: z.string(), name: z.string(), role: z.string() }).nullable(),
  viewing_as: z.object({ org_id: z.string(), org_name: z.string(), reseller_org_id: z.string(), reseller_name: z.string() }).nullable(),
});

const adminOnly = 'Instance administrators only (TIDEMARK_INSTANCE_ADMINS, TIDEMARK_ADMIN_EMAIL); 403 for anyone else.';

/** Resellers and usage (http/routes/resellers.ts, tenancy/; docs/resellers.md). */
export const resellersOpenApi: OpenApiSection = (t) => {
  const client = t.schema('ResellerClient', clientSchema, 'output');
  const switched = t.schema('ResellerSwitch', switchedSchema, 'output');
  return {
    '/api/orgs/{orgId}/usage': {
      get: {
        operationId: 'getUsage',
        tags: ['Resellers'],
        summary: "This month's events (UTC), sites and seats against the organization's limits (owners and admins)",
        parameters: [orgParam],
        responses: { 200: t.json(t.schema('Usage', usageSchema, 'output')), ...t.errors(401, 403, 404) },
      },
    },
    '/api/orgs/{orgId}/clients': {
      get: {
        operationId: 'listClients',
        tags: ['Resellers'],
        summary: "A reseller's client organizations with their usage, and the reseller's limits (its owners and admins)",
        parameters: [orgParam],
        responses: { 200: t.json(t.schema('ResellerClients', clientListSchema, 'output')), ...t.errors(401, 403, 404) },
      },
      post: {
        operationId: 'createClient',
        tags: ['Resellers'],
        summary: 'Create a client organization (within max_sub_organizations; its hard limit within max_events_per_sub_org)',
        parameters: [orgParam],
        requestBody: { required: true, content: { 'application/json': { schema: t.schema('ClientCreate', clientCreateSchema, 'input') } } },
        responses: { 201: t.json(client, 'Created'), ...t.errors(400, 401, 403, 404, 409) },
      },
    },
    '/api/orgs/{orgId}/clients/{clientId}': {
      patch: {
        operationId: 'updateClient',
        tags: ['Resellers'],
        summary: 'Rename a client or change its monthly event limits',
        parameters: [orgParam, clientParam],
        requestBody: { required: true, content: { 'application/json': { schema: t.schema('ClientUpdate', clientUpdateSchema, 'input') } } },
        responses: { 200: t.json(client), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/orgs/{orgId}/clients/{clientId}/switch': {
      post: {
        operationId: 'switchIntoClient',
        tags: ['Resellers'],
        summary: "Show the client's dashboard in this session, as its admin (recorded in both audit logs)",
        parameters: [orgParam, clientParam],
        responses: { 200: t.json(switched), ...t.errors(401, 403, 404) },
      },
    },
    '/api/admin/orgs': {
      get: {
        operationId: 'listOrgsForAdmin',
        tags: ['Resellers'],
        summary: 'Every organization with its reseller flag, limits, clients and sites (by name; at most 500, narrowed by q)',
        description: adminOnly,
        parameters: [
          { name: 'q', in: 'query', required: false, description: 'Part of the name or slug', schema: { type: 'string', maxLength: 120 } },
        ],
        responses: { 200: t.json(t.schema('AdminOrgList', adminOrgListSchema, 'output')), ...t.errors(400, 401, 403) },
      },
    },
    '/api/admin/orgs/{orgId}': {
      patch: {
        operationId: 'updateOrgForAdmin',
        tags: ['Resellers'],
        summary: 'Flag an organization as a reseller (or not), set its limits for clients and its monthly event limits (audited)',
        description: `${adminOnly} A reseller's client cannot be a reseller itself (400 client_cannot_resell).`,
        parameters: [orgParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('AdminOrgPatch', adminOrgPatchSchema, 'input') } },
        },
        responses: { 200: t.json(t.schema('AdminOrg', adminOrgSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/auth/reseller-return': {
      post: {
        operationId: 'returnToReseller',
        tags: ['Resellers'],
        summary: 'Back from a client to the reseller the session came through',
        responses: { 200: t.json(switched), ...t.errors(400, 401) },
      },
    },
  };
};
