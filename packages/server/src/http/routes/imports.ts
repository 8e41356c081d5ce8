import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest, conflict, IMPORT_SOURCES, notFound, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { ImportError, publicImportJob } from '../../imports';
import { parseInput } from '../errors';

/** Body types an upload may have: the file as it is (a zip or a CSV). */
export const IMPORT_CONTENT_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream', 'text/csv'];

export const importUploadQuerySchema = z
  .object({
    source: z.enum(IMPORT_SOURCES).meta({
      description: "plausible: Plausible's CSV export zip; umami: Umami's export zip (or its website_event CSV); csv: a generic events CSV",
    }),
    file_name: z
      .string()
      .max(255)
      .refine((s) => !/[/\\]/.test(s) && [...s].every((c) => c.charCodeAt(0) >= 0x20), 'no folders or control characters')
      .optional()
      .meta({ description: 'The uploaded file name, shown in the list' }),
  })
  .strict();

/** The route's ids; an import id of the wrong shape names no import (404, after the site's access check). */
function importParams(raw: unknown): { id: string; importId: string } {
  const p = raw as { id: string; importId: string };
  return { id: p.id, importId: p.importId };
}
const isImportId = (id: string) => /^[0-9a-f]{32}$/.test(id);

const STATUS: Record<string, number> = { import_running: 409, busy: 503 };

/** An import that cannot even start answers 4xx (503 when the queue is full); later problems fail the job. */
function asHttpError(err: unknown): unknown {
  if (!(err instanceof ImportError)) return err;
  const status = STATUS[err.code] ?? 400;
  return status === 409 ? conflict(err.code, err.message) : new TidemarkError(status, err.code, err.message);
}

/**
 * Imports (imports/): `POST /api/sites/{id}/imports?source=…` with the file as the raw body (up to
 * TIDEMARK_IMPORT_MAX_MB) queues an import and answers 202 with its job; `GET` lists them with progress;
 * `DELETE …/imports/{importId}` removes what an import stored. Uploading and deleting need admin.
 */
export async function importRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Uploads larger than the limit are refused with 413 while they stream in, before they are held whole.
  const bodyLimit = ctx.config.importMaxBytes;
  await app.register(async (scope) => {
    scope.addContentTypeParser(IMPORT_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    scope.post('/api/sites/:id/imports', { bodyLimit }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const site = await requireSiteAccess(ctx, req, id, 'admin');
      const query = parseInput(importUploadQuerySchema, req.query ?? {});
      if (!Buffer.isBuffer(req.body))
        throw badRequest('missing_file', `send the file as the request body (${IMPORT_CONTENT_TYPES.join(', ')})`);
      const principal = await requirePrincipal(ctx, req);
      try {
        const job = await ctx.imports.start({
          siteId: site.id,
          source: query.source,
          fileName: query.file_name ?? `${query.source}-import`,
          bytes: req.body,
          userId: principal.kind === 'user' ? principal.userId : null,
        });
        reply.status(202);
        return { success: true, data: publicImportJob(job) };
      } catch (err) {
        throw asHttpError(err);
      }
    });
  });

  app.get('/api/sites/:id/imports', async (req) => {
    const site = await requireSiteAccess(ctx, req, (req.params as { id: string }).id, 'read');
    return { success: true, data: (await ctx.imports.list(site.id)).map(publicImportJob) };
  });

  app.get('/api/sites/:id/imports/:importId', async (req) => {
    const p = importParams(req.params);
    const site = await requireSiteAccess(ctx, req, p.id, 'read');
    const job = isImportId(p.importId) ? await ctx.imports.get(site.id, p.importId) : null;
    if (!job) throw notFound('Import');
    return { success: true, data: publicImportJob(job) };
  });

  app.delete('/api/sites/:id/imports/:importId', async (req) => {
    const p = importParams(req.params);
    const site = await requireSiteAccess(ctx, req, p.id, 'admin');
    try {
      const removed = isImportId(p.importId) ? await ctx.imports.delete(site.id, p.importId) : null;
      if (!removed) throw notFound('Import');
      return { success: true, data: { removed } };
    } catch (err) {
      throw asHttpError(err);
    }
  });
}
