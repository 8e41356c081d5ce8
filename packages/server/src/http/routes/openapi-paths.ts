import { pageNeighboursSchema, pathsSchema } from '@tidemark/core';
import { neighboursParamsSchema, pathsParamsSchema } from '../../stats';
import type { OpenApiSection } from './openapi-document';

/** Paths: the Sankey of common paths and the steps around a page (dashboard and public API). */
export const pathsOpenApi: OpenApiSection = (t) => {
  const paths = t.json(t.schema('Paths', pathsSchema, 'output'));
  const pages = t.json(t.schema('PageNeighbours', pageNeighboursSchema, 'output'));
  const pathsOp = (tag: string, operationId: string) => ({
    get: {
      operationId,
      tags: [tag],
      summary: 'The common paths from or to a page or event, as Sankey nodes and links',
      description:
        "A visitor's path: the steps (page views; with events=true also interactive events) of one session in order, consecutive " +
        'repeats collapsed, from its anchor (the entry, or the first view of start_page / first start_event) or up to it (end_page, ' +
        'end_event; step 1 is then the anchor and later steps go back in time). The anchor must fall in the period; each visitor ' +
        'counts once, with the session whose anchor came first. Filters choose the sessions.',
      parameters: [t.siteParam, ...t.parameters(pathsParamsSchema)],
      responses: { 200: paths, ...t.errors(400, 401, 403, 404, 429) },
    },
  });
  const pagesOp = (tag: string, operationId: string) => ({
    get: {
      operationId,
      tags: [tag],
      summary: 'Next and previous steps of a page',
      description: 'Per visitor who viewed the page in the period: the step right after (before) the first view in its session.',
      parameters: [t.siteParam, ...t.parameters(neighboursParamsSchema)],
      responses: { 200: pages, ...t.errors(400, 401, 403, 404, 429) },
    },
  });
  return {
    '/api/sites/{id}/paths': pathsOp('Dashboard', 'sitePaths'),
    '/api/sites/{id}/paths/pages': pagesOp('Dashboard', 'sitePageNeighbours'),
    '/v1/sites/{id}/paths': pathsOp('Public API', 'publicSitePaths'),
    '/v1/sites/{id}/paths/pages': pagesOp('Public API', 'publicSitePageNeighbours'),
  };
};
