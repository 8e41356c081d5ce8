import { funnelInputSchema, funnelListSchema, funnelPatchSchema, funnelSchema, funnelStatsSchema } from '@tidemark/core';
import { funnelParamsSchema } from '../../stats';
import type { OpenApiSection } from './openapi-document';

const funnelParam = { name: 'funnel_id', in: 'path', required: true, schema: { type: 'string' } };

/** Funnels: definitions (dashboard API) and their stats (dashboard and public API). */
export const funnelsOpenApi: OpenApiSection = (t) => {
  const funnel = t.json(t.schema('Funnel', funnelSchema, 'output'));
  const list = t.json(t.schema('FunnelList', funnelListSchema, 'output'));
  const stats = t.json(t.schema('FunnelStats', funnelStatsSchema, 'output'));
  const body = (name: string, schema: typeof funnelInputSchema | typeof funnelPatchSchema) => ({
    required: true,
    content: { 'application/json': { schema: t.schema(name, schema, 'input') } },
  });
  const statsOp = (tag: string, operationId: string) => ({
    get: {
      operationId,
      tags: [tag],
      summary: "A funnel's steps, drop-offs, time between steps and what leavers did next",
      description:
        'Entrants start at step 1 in the period and reach step k when steps 1..k happened in order within the window of the step-1 event ' +
        '(default: the session; 24 h with visitor scope). Each visitor counts once, at its furthest step. Filters choose the entrants.',
      parameters: [t.siteParam, funnelParam, ...t.parameters(funnelParamsSchema)],
      responses: { 200: stats, ...t.errors(400, 401, 403, 404, 429) },
    },
  });
  return {
    '/api/sites/{id}/funnels': {
      get: {
        operationId: 'listFunnels',
        tags: ['Dashboard'],
        summary: "The site's funnels",
        parameters: [t.siteParam],
        responses: { 200: list, ...t.errors(401, 403, 404) },
      },
      post: {
        operationId: 'createFunnel',
        tags: ['Dashboard'],
        summary: 'Create a funnel (2-10 steps; members and up)',
        parameters: [t.siteParam],
        requestBody: body('FunnelInput', funnelInputSchema),
        responses: { 201: funnel, ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/sites/{id}/funnels/{funnel_id}': {
      get: {
        operationId: 'getFunnel',
        tags: ['Dashboard'],
        summary: 'A funnel',
        parameters: [t.siteParam, funnelParam],
        responses: { 200: funnel, ...t.errors(401, 403, 404) },
      },
      patch: {
        operationId: 'updateFunnel',
        tags: ['Dashboard'],
        summary: 'Change a funnel (members and up)',
        parameters: [t.siteParam, funnelParam],
        requestBody: body('FunnelPatch', funnelPatchSchema),
        responses: { 200: funnel, ...t.errors(400, 401, 403, 404) },
      },
      delete: {
        operationId: 'deleteFunnel',
        tags: ['Dashboard'],
        summary: 'Delete a funnel (members and up)',
        parameters: [t.siteParam, funnelParam],
        responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/sites/{id}/funnels/{funnel_id}/stats': statsOp('Dashboard', 'funnelStats'),
    '/v1/sites/{id}/funnels': {
      get: {
        operationId: 'siteFunnels',
        tags: ['Public API'],
        summary: "The site's funnels",
        parameters: [t.siteParam],
        responses: { 200: list, ...t.errors(401, 403, 404, 429) },
      },
    },
    '/v1/sites/{id}/funnels/{funnel_id}/stats': statsOp('Public API', 'siteFunnelStats'),
  };
};
