import { connectionTestResultSchema, siteConnectionInputSchema, siteConnectionSchema, siteConnectionsSchema } from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** A site's HubSpot and Klaviyo connections (http/routes/connections.ts, destinations/; docs/destinations.md). */
export const connectionsOpenApi: OpenApiSection = (t) => {
  const list = t.json(t.schema('SiteConnections', siteConnectionsSchema, 'output'));
  const providerParam = {
    name: 'provider',
    in: 'path',
    required: true,
    description: 'hubspot or klaviyo',
    schema: { type: 'string', enum: ['hubspot', 'klaviyo'] },
  };
  const listOp = (tag: string, operationId: string): Json => ({
    operationId,
    tags: [tag],
    summary: "The site's provider connections (site admins; keys with admin): whether a token is stored, the base URL; never the token",
    parameters: [t.siteParam],
    responses: { 200: list, ...t.errors(401, 403, 404) },
  });
  return {
    '/api/sites/{id}/connections': { get: listOp('Dashboard', 'listConnections') },
    '/v1/sites/{id}/connections': { get: listOp('Public API', 'siteConnections') },
    '/api/sites/{id}/connections/{provider}': {
      put: {
        operationId: 'setConnection',
        tags: ['Dashboard'],
        summary: "Store the provider's token (sealed; write-only) and base URL (site admins); recorded in the audit log without the token",
        parameters: [t.siteParam, providerParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('SiteConnectionInput', siteConnectionInputSchema, 'input') } },
        },
        responses: { 200: t.json(t.schema('SiteConnection', siteConnectionSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
      delete: {
        operationId: 'deleteConnection',
        tags: ['Dashboard'],
        summary: 'Remove the connection and its token (site admins)',
        parameters: [t.siteParam, providerParam],
        responses: { 204: { description: 'Removed (or there was none)' }, ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/sites/{id}/connections/{provider}/test': {
      post: {
        operationId: 'testConnection',
        tags: ['Dashboard'],
        summary:
          "One harmless authenticated call with the stored token (HubSpot: the first contact; Klaviyo: the account); ok or the provider's error",
        parameters: [t.siteParam, providerParam],
        responses: { 200: t.json(t.schema('ConnectionTestResult', connectionTestResultSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
  };
};
