import { z } from 'zod';
import { privacyRequestInputSchema, privacyRequestSchema } from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

const requestParam = { name: 'request_id', in: 'path', required: true, description: 'Request id', schema: { type: 'string' } };

/** Data-subject requests (http/routes/privacy.ts, privacy/; docs/privacy.md), for the dashboard and admin keys. */
export const privacyOpenApi: OpenApiSection = (t) => {
  const req = t.schema('PrivacyRequest', privacyRequestSchema, 'output');
  const list = t.schema('PrivacyRequestList', z.object({ requests: z.array(privacyRequestSchema) }), 'output');
  const input = t.schema('PrivacyRequestInput', privacyRequestInputSchema, 'input');
  const paths: Record<string, Json> = {};
  for (const [prefix, tag, who] of [
    ['/api', 'Privacy', 'admins and owners'],
    ['/v1', 'Public API', 'an API key with the admin permission'],
  ] as const) {
    const op = (name: string) => `${prefix === '/api' ? '' : 'public'}${name}`;
    paths[`${prefix}/sites/{id}/privacy/requests`] = {
      post: {
        operationId: op('CreatePrivacyRequest'),
        tags: [tag],
        summary: `Record a data-subject request (${who}); processed in the background`,
        description:
          'access (GDPR Art. 15/20): an archive (zip of JSON and CSV) of every record about the subject — events, payments, the vault, raw payloads, ' +
          'quarantined events. erasure (Art. 17): the same records deleted (payments kept with the person unlinked), stats consistent afterwards. ' +
          'The subject is one of user_id, email, visitor_id; a user id covers the visitors seen with it, an e-mail the events and payments naming it. ' +
          'The answer (202) carries the 30-day deadline; poll the request for its status.',
        parameters: [t.siteParam],
        requestBody: { required: true, content: { 'application/json': { schema: input } } },
        responses: { 202: t.json(req, 'Recorded'), ...t.errors(400, 401, 403, 404, 429) },
      },
      get: {
        operationId: op('ListPrivacyRequests'),
        tags: [tag],
        summary: `The site's data-subject requests, newest first (${who})`,
        parameters: [t.siteParam],
        responses: { 200: t.json(list), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/privacy/requests/{request_id}`] = {
      get: {
        operationId: op('GetPrivacyRequest'),
        tags: [tag],
        summary: 'One request: status, deadline, what was found and removed',
        parameters: [t.siteParam, requestParam],
        responses: { 200: t.json(req), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/privacy/requests/{request_id}/archive`] = {
      get: {
        operationId: op('DownloadPrivacyArchive'),
        tags: [tag],
        summary: "A completed access request's archive (the download is recorded in the audit log)",
        parameters: [t.siteParam, requestParam],
        responses: {
          200: {
            description: 'request.json, README.txt and <kind>.json / <kind>.csv per kind of record',
            content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
          },
          ...t.errors(401, 403, 404, 429),
        },
      },
    };
  }
  return paths;
};
