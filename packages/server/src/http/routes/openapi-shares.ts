import {
  dashboardStatsSchema,
  shareAccessSchema,
  shareCreatedSchema,
  sharedViewSchema,
  shareInputSchema,
  shareListSchema,
  shareUnlockSchema,
} from '@tidemark/core';
import { dashboardParamsSchema } from '../../stats';
import { EXPORT_FORMAT_PARAM, type Json, type OpenApiSection } from './openapi-document';

/** Shared dashboards (routes/shares.ts): links per site, and what a link holder may call. */
export const sharesOpenApi: OpenApiSection = (t) => {
  const tokenParam = { name: 'token', in: 'path', required: true, description: 'The link’s token', schema: { type: 'string' } };
  const shareParam = { name: 'share_id', in: 'path', required: true, description: 'Shared link id', schema: { type: 'string' } };
  const accessHeader = {
    name: 'X-Share-Access',
    in: 'header',
    required: false,
    description: 'The access token from …/unlock (password-protected links)',
    schema: { type: 'string' },
  };
  const body = (name: string, schema: typeof shareInputSchema | typeof shareUnlockSchema): Json => ({
    required: true,
    content: { 'application/json': { schema: t.schema(name, schema, 'input') } },
  });
  const link = { security: [] as Json[] };
  return {
    '/api/sites/{id}/shares': {
      get: {
        operationId: 'listShares',
        tags: ['Dashboard'],
        summary: "The site's shared links (tokens are not shown again)",
        parameters: [t.siteParam],
        responses: { 200: t.json(t.schema('ShareList', shareListSchema, 'output')), ...t.errors(401, 403, 404) },
      },
      post: {
        operationId: 'createShare',
        tags: ['Dashboard'],
        summary: 'Create a shared link (members and up)',
        description:
          'Optional password (argon2id), expiry, the cards shown (the link reads only their numbers) and origins allowed to frame it.',
        parameters: [t.siteParam],
        requestBody: body('ShareInput', shareInputSchema),
        responses: { 201: t.json(t.schema('ShareCreated', shareCreatedSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/sites/{id}/shares/{share_id}': {
      delete: {
        operationId: 'deleteShare',
        tags: ['Dashboard'],
        summary: 'Revoke a shared link',
        parameters: [t.siteParam, shareParam],
        responses: { 204: { description: 'Revoked' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/share/{token}': {
      get: {
        ...link,
        operationId: 'sharedView',
        tags: ['Shared'],
        summary: 'What a shared link shows (its site only once unlocked)',
        parameters: [tokenParam, accessHeader],
        responses: { 200: t.json(t.schema('SharedView', sharedViewSchema, 'output')), ...t.errors(404) },
      },
    },
    '/api/share/{token}/unlock': {
      post: {
        ...link,
        operationId: 'unlockShare',
        tags: ['Shared'],
        summary: 'Unlock a password-protected link (10 guesses per link per 15 minutes)',
        parameters: [tokenParam],
        requestBody: body('ShareUnlock', shareUnlockSchema),
        responses: { 200: t.json(t.schema('ShareAccess', shareAccessSchema, 'output')), ...t.errors(400, 401, 404, 429) },
      },
    },
    '/api/share/{token}/stats': {
      get: {
        ...link,
        operationId: 'sharedStats',
        tags: ['Shared'],
        summary: "The link's site stats: the dashboard stats endpoint's parameters and answer",
        description:
          'Dimensions, filters and metrics outside the link’s cards are refused with 403; a locked link answers 401 share_locked.',
        parameters: [tokenParam, accessHeader, ...t.parameters(dashboardParamsSchema), EXPORT_FORMAT_PARAM],
        responses: { 200: t.json(t.schema('DashboardStats', dashboardStatsSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
  };
};
