import { z } from 'zod';
import { orgBrandingSchema, orgDomainInputSchema, orgDomainSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

const orgParam = { name: 'orgId', in: 'path', required: true, description: 'Organization id', schema: { type: 'string' } };
const domainParam = { name: 'domainId', in: 'path', required: true, description: 'Domain id', schema: { type: 'string' } };

/** Custom domains (http/routes/domains.ts, domains/; docs/domains.md). */
export const domainsOpenApi: OpenApiSection = (t) => {
  const domain = t.schema('OrgDomain', orgDomainSchema, 'output');
  const branding = t.schema('OrgBranding', orgBrandingSchema, 'output');
  return {
    '/api/orgs/{orgId}/branding': {
      get: {
        operationId: 'getBranding',
        tags: ['Domains'],
        summary: "The organization's white-label branding (members)",
        parameters: [orgParam],
        responses: { 200: t.json(branding), ...t.errors(401, 403, 404) },
      },
      put: {
        operationId: 'updateBranding',
        tags: ['Domains'],
        summary: 'Change the branding (owners and admins; any subset, validated whole; recorded in the audit log)',
        parameters: [orgParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('OrgBrandingPatch', orgBrandingSchema.partial(), 'input') } },
        },
        responses: { 200: t.json(branding), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/branding': {
      get: {
        operationId: 'currentBranding',
        tags: ['Domains'],
        summary: "The branding the dashboard shows: the verified app host's organization, else the signed-in user's, else the default",
        responses: { 200: t.json(t.schema('CurrentBranding', z.object({ branding: orgBrandingSchema, app_host: z.boolean() }), 'output')) },
      },
    },
    '/api/orgs/{orgId}/domains': {
      get: {
        operationId: 'listDomains',
        tags: ['Domains'],
        summary: "The organization's custom hosts with their verification state and instructions (owners and admins)",
        parameters: [orgParam],
        responses: {
          200: t.json(t.schema('OrgDomainList', z.object({ domains: z.array(orgDomainSchema) }), 'output')),
          ...t.errors(401, 403, 404),
        },
      },
      post: {
        operationId: 'addDomain',
        tags: ['Domains'],
        summary: 'Register a host: app (the dashboard) or tracking (t.js and collection, first-party); verify it next',
        parameters: [orgParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('OrgDomainInput', orgDomainInputSchema, 'input') } },
        },
        responses: { 201: t.json(domain, 'Registered'), ...t.errors(400, 401, 403, 404, 409) },
      },
    },
    '/api/orgs/{orgId}/domains/{domainId}/verify': {
      post: {
        operationId: 'verifyDomain',
        tags: ['Domains'],
        summary: 'Check the TXT record, then the HTTP token; the answer says which worked or why neither did',
        parameters: [orgParam, domainParam],
        responses: { 200: t.json(domain), ...t.errors(401, 403, 404) },
      },
    },
    '/api/orgs/{orgId}/domains/{domainId}': {
      delete: {
        operationId: 'deleteDomain',
        tags: ['Domains'],
        summary: 'Remove a host (Caddy stops getting certificates for it)',
        parameters: [orgParam, domainParam],
        responses: { 204: { description: 'Removed' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/domains/ask': {
      get: {
        operationId: 'caddyAsk',
        tags: ['Domains'],
        summary: "Caddy's on-demand TLS `ask`: 200 for a verified host, 404 otherwise",
        parameters: [{ name: 'domain', in: 'query', required: true, schema: { type: 'string' } }],
        responses: {
          200: { description: 'Verified: a certificate may be obtained', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...t.errors(400, 404),
        },
      },
    },
    '/.well-known/tidemark-verify/{token}': {
      get: {
        operationId: 'domainToken',
        tags: ['Domains'],
        summary: 'The HTTP proof: the token, answered only when asked on the host it was issued for',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'The token', content: { 'text/plain': { schema: { type: 'string' } } } }, ...t.errors(404) },
      },
    },
  };
};
