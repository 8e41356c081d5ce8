import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { checkExportRange, parseSiteExportParams, siteExportSource, writeSiteExport } from '../../exports';

const siteId = (req: FastifyRequest) => (req.params as { id: string }).id;

/**
 * `GET /v1/sites/{id}/export?from=&to=&events=ndjson|csv|none` (API key with "read", or a session):
 * the whole site as a zip, streamed as it is produced. Bad parameters are a 400 before anything is
 * sent; a failure mid-way aborts the response (a truncated zip does not unpack).
 */
export function siteExportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/sites/:id/export', async (req, reply) => {
    const site = await requireSiteAccess(ctx, req, siteId(req), 'read');
    const params = parseSiteExportParams(req.query);
    checkExportRange(params);
    const out = new PassThrough();
    writeSiteExport(out, siteExportSource(ctx.meta, ctx.stats, site), params).then(
      () => out.end(),
      (err: unknown) => {
        req.log.warn({ err }, 'site export failed');
        out.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
    const name = `tidemark-${site.domain}-${params.from}-${params.to}.zip`.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(out);
  });
}
