import { z } from 'zod';
import { importJobListSchema, importJobSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';
import { IMPORT_CONTENT_TYPES, importUploadQuerySchema } from './imports';

const jobBody = z.object({ success: z.literal(true), data: importJobSchema }).meta({ id: 'ImportJobResponse' });
const deletedBody = z
  .object({
    success: z.literal(true),
    data: z.object({
      removed: z.record(z.string(), z.number()).meta({ description: 'Rows removed, by kind (imported aggregates, events …)' }),
    }),
  })
  .meta({ id: 'ImportDeleted' });

const importParam = { name: 'importId', in: 'path', required: true, description: 'Import id (32 hex digits)', schema: { type: 'string' } };

/** Imports of other tools' exports (imports/, http/routes/imports.ts). */
export const importsOpenApi: OpenApiSection = (t) => ({
  '/api/sites/{id}/imports': {
    get: {
      operationId: 'listImports',
      tags: ['Imports'],
      summary: "The site's imports, newest first, with status and progress",
      parameters: [t.siteParam],
      responses: { 200: t.json(t.schema('ImportJobList', importJobListSchema, 'output')), ...t.errors(401, 403, 404) },
    },
    post: {
      operationId: 'uploadImport',
      tags: ['Imports'],
      summary: 'Upload a file to import (admin or owner); the import runs in the background',
      description:
        "The body is the file itself. plausible: Plausible's CSV export zip (imported_visitors, imported_sources, imported_pages, imported_entry_pages, " +
        'imported_exit_pages, imported_custom_events, imported_locations, imported_devices, imported_browsers, imported_operating_systems; columns by name, ' +
        "unknown ones ignored) — stored as daily aggregates apart from events, counted in reports for days without native data. umami: Umami's export zip " +
        '(website_event.csv); csv: one row per event (timestamp, name, url, referrer, utm_*, country, device, browser, os, visitor_id, session_id) — stored as ' +
        'events. The same file imported again has the same id and replaces the earlier import. A file that cannot be read fails the import with a reason.',
      parameters: [t.siteParam, ...t.parameters(importUploadQuerySchema)],
      requestBody: {
        required: true,
        content: Object.fromEntries(IMPORT_CONTENT_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
      },
      responses: {
        202: t.json(t.schema('ImportJobResponse', jobBody, 'output'), 'Queued (or already running: the same job)'),
        ...t.errors(400, 401, 403, 404, 413, 415, 503),
      },
    },
  },
  '/api/sites/{id}/imports/{importId}': {
    get: {
      operationId: 'getImport',
      tags: ['Imports'],
      summary: 'One import with its progress',
      parameters: [t.siteParam, importParam],
      responses: { 200: t.json(t.schema('ImportJobResponse', jobBody, 'output')), ...t.errors(401, 403, 404) },
    },
    delete: {
      operationId: 'deleteImport',
      tags: ['Imports'],
      summary: 'Delete an import and everything it stored (admin or owner)',
      parameters: [t.siteParam, importParam],
      responses: { 200: t.json(t.schema('ImportDeleted', deletedBody, 'output')), ...t.errors(401, 403, 404, 409) },
    },
  },
});
