import { siteExportParamsSchema } from '../../exports';
import type { OpenApiSection } from './openapi-document';

/** The whole-site export (routes/site-export.ts); `format` on the stats endpoints is in openapi-document.ts. */
export const exportsOpenApi: OpenApiSection = (t) => ({
  '/v1/sites/{id}/export': {
    get: {
      operationId: 'siteExport',
      tags: ['Public API'],
      summary: 'The whole site as a zip: one CSV per report and the raw events',
      description:
        'Streamed as it is produced: overview.csv (daily KPIs), a CSV per breakdown (pages, sources, countries …, top 1,000 rows) ' +
        'and events.ndjson or events.csv (every event of the range, oldest first). `from`/`to` are local days of the site.',
      parameters: [t.siteParam, ...t.parameters(siteExportParamsSchema)],
      responses: {
        200: { description: 'A zip archive', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
        ...t.errors(400, 401, 403, 404, 429),
      },
    },
  },
});
