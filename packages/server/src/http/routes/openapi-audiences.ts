import { z } from 'zod';
import {
  audienceInputSchema,
  audienceMemberListSchema,
  audiencePatchSchema,
  audienceRefreshSchema,
  audienceSchema,
  audienceSizesSchema,
} from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** Audiences (routes/audiences.ts, docs/audiences.md): definitions, members, sizes, CSV export, refresh. */
export const audiencesOpenApi: OpenApiSection = (t) => {
  const audience = t.schema('Audience', audienceSchema, 'output');
  const list = t.schema('AudienceList', z.object({ audiences: z.array(audienceSchema) }), 'output');
  const members = t.schema('AudienceMemberList', audienceMemberListSchema, 'output');
  const sizes = t.schema('AudienceSizes', audienceSizesSchema, 'output');
  const idParam = { name: 'audience_id', in: 'path', required: true, description: 'Audience id', schema: { type: 'string' } };
  const int = (name: string, description: string) => ({ name, in: 'query', required: false, description, schema: { type: 'integer' } });
  const body = (schema: Json) => ({ required: true, content: { 'application/json': { schema } } });
  const paths: Record<string, Record<string, Json>> = {};
  for (const [prefix, tag] of [
    ['/api', 'Audiences'],
    ['/v1', 'Public API'],
  ] as const) {
    const op = (n: string) => (prefix === '/api' ? n : `public${n[0]!.toUpperCase()}${n.slice(1)}`);
    paths[`${prefix}/sites/{id}/audiences`] = {
      get: {
        operationId: op('listAudiences'),
        tags: [tag],
        summary: "The site's audiences with their size and sync status",
        parameters: [t.siteParam],
        responses: { 200: t.json(list), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/audiences/{audience_id}`] = {
      get: {
        operationId: op('getAudience'),
        tags: [tag],
        summary: 'One audience',
        parameters: [t.siteParam, idParam],
        responses: { 200: t.json(audience), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/audiences/{audience_id}/members`] = {
      get: {
        operationId: op('audienceMembers'),
        tags: [tag],
        summary: 'Members as of the last pass, the most recently joined first, with a summary of each profile',
        parameters: [t.siteParam, idParam, int('limit', '1–500, default 50'), int('offset', 'default 0')],
        responses: { 200: t.json(members), ...t.errors(400, 401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/audiences/{audience_id}/members.csv`] = {
      get: {
        operationId: op('exportAudienceMembers'),
        tags: [tag],
        summary: 'Every member as CSV (streamed): profile_id, user_id, email, since, last_seen, score, revenue',
        description:
          'Text cells starting with = + - @, a tab or a carriage return get a leading apostrophe, so spreadsheets do not run them.',
        parameters: [t.siteParam, idParam],
        responses: {
          200: { description: 'The members', content: { 'text/csv': { schema: { type: 'string' } } } },
          ...t.errors(401, 403, 404, 429),
        },
      },
    };
    paths[`${prefix}/sites/{id}/audiences/{audience_id}/sizes`] = {
      get: {
        operationId: op('audienceSizes'),
        tags: [tag],
        summary: 'The size after each pass, oldest first',
        parameters: [t.siteParam, idParam, int('days', 'How far back, 1–3650, default 90')],
        responses: { 200: t.json(sizes), ...t.errors(400, 401, 403, 404, 429) },
      },
    };
  }
  paths['/api/sites/{id}/audiences']!.post = {
    operationId: 'createAudience',
    tags: ['Audiences'],
    summary: 'Create an audience (members and up); its members are computed by the next pass or a refresh',
    description:
      'definition.filters are stats filters over definition.period (people with a matching session); every predicate must hold. ' +
      'targets: a webhook (signed with its secret, made when left out and shown only in this answer), a HubSpot list id, a Klaviyo list id.',
    parameters: [t.siteParam],
    requestBody: body(t.schema('AudienceInput', audienceInputSchema, 'input')),
    responses: { 201: t.json(audience, 'Created'), ...t.errors(400, 401, 403, 404, 409, 429) },
  };
  paths['/api/sites/{id}/audiences/{audience_id}']!.patch = {
    operationId: 'updateAudience',
    tags: ['Audiences'],
    summary: 'Rename, redefine (the next pass recomputes everyone) or change the sync targets',
    parameters: [t.siteParam, idParam],
    requestBody: body(t.schema('AudiencePatch', audiencePatchSchema, 'input')),
    responses: { 200: t.json(audience), ...t.errors(400, 401, 403, 404, 429) },
  };
  paths['/api/sites/{id}/audiences/{audience_id}']!.delete = {
    operationId: 'deleteAudience',
    tags: ['Audiences'],
    summary: 'Delete an audience with its members and size history',
    parameters: [t.siteParam, idParam],
    responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404, 429) },
  };
  paths['/api/sites/{id}/audiences/{audience_id}/refresh'] = {
    post: {
      operationId: 'refreshAudience',
      tags: ['Audiences'],
      summary: 'Run a pass now: joins and leaves, a size point, and the syncs of this and earlier undelivered changes',
      parameters: [t.siteParam, idParam],
      responses: { 200: t.json(t.schema('AudienceRefresh', audienceRefreshSchema, 'output')), ...t.errors(400, 401, 403, 404, 429) },
    },
  };
  return paths;
};
