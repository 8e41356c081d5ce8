import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest, conflict, IMPORT_SOURCES, notFound, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requirePrincipal, requireSiteAccess } from '../../auth';
import { ImportError, publicImportJob } from '../../imports';
import { parseInput } from '../errors';

/** Uploads larger than this are refused with 413 before they are read whole. */
export const IMPORT_MAX_BYTES = 200 * 1024 * 1024;

/** Body types an upload may have: the file as it is (a zip or a CSV). */
export const IMPORT_CONTENT_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream', 'text/csv'];

export const importUploadQuerySchema = z
  .object({
    source: z
      .enum(IMPORT_SOURCES)
      .meta({
        description:
          "plausible: Plausible's CSV export zip; umami: Umami's export zip (or its website_event CSV); csv: a generic events CSV",
      }),
    file_name: z
      .string()
      .max(255)
      .refine((s) => !/[/\\]/.test(s) && [...s].every((c) => c.charCodeAt(0) >= 0x20), 'no folders or control characters')
      .optional()
      .meta({ description: 'The uploaded file name, shown in the list' }),
  })
  .strict();

const importParams = z.object({ id: z.string().max(64), importId: z.string().regex(/^[0-9a-f]{32}$/, 'unknown import') });

const STATUS: Record<string, number> = { import_running: 409, busy: 503 };

/** An import that cannot even start answers 4xx (503 when the queue is full); later problems fail the job. */
function asHttpError(err: unknown): unknown {
  if (!(err instanceof ImportError)) return err;
  const status = STATUS[err.code] ?? 400;
  return status === 409 ? conflict(err.code, err.message) : new TidemarkError(status, err.code, err.message);
}

/**
 * Imports (imports/): `POST /api/sites/{id}/imports?source=…` with the file as the raw body (up to
 * IMPORT_MAX_BYTES) queues an import and answers 202 with its job; `GET` lists them with progress;
 * `DELETE …/imports/{importId}` removes what an import stored. Uploading and deleting need admin.
 */
export async function importRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(IMPORT_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/api/sites/:id/imports', { bodyLimit: IMPORT_MAX_BYTES }, async (req, reply) => {
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
    const p = parseInput(importParams, req.params);
    const site = await requireSiteAccess(ctx, req, p.id, 'read');
    const job = await ctx.imports.get(site.id, p.importId);
    if (!job) throw notFound('Import');
    return { success: true, data: publicImportJob(job) };
  });

  app.delete('/api/sites/:id/imports/:importId', async (req) => {
    const p = parseInput(importParams, req.params);
    const site = await requireSiteAccess(ctx, req, p.id, 'admin');
    try {
      const removed = await ctx.imports.delete(site.id, p.importId);
      if (!removed) throw notFound('Import');
      return { success: true, data: { removed } };
    } catch (err) {
      throw asHttpError(err);
    }
  });
}
