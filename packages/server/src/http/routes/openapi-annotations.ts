import { annotationInputSchema, annotationListSchema, annotationPatchSchema, annotationSchema } from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** Annotations (routes/annotations.ts): dashboard CRUD, and list/create/delete with an API key. */
export const annotationsOpenApi: OpenApiSection = (t) => {
  const one = t.json(t.schema('Annotation', annotationSchema, 'output'));
  const list = t.json(t.schema('AnnotationList', annotationListSchema, 'output'));
  const idParam = { name: 'annotation_id', in: 'path', required: true, description: 'Annotation id', schema: { type: 'string' } };
  const body = (name: string, schema: typeof annotationInputSchema | typeof annotationPatchSchema): Json => ({
    required: true,
    content: { 'application/json': { schema: t.schema(name, schema, 'input') } },
  });
  const listOp = (tag: string, operationId: string): Json => ({
    operationId,
    tags: [tag],
    summary: "The site's annotations, oldest first",
    parameters: [t.siteParam],
    responses: { 200: list, ...t.errors(401, 403, 404, 429) },
  });
  const createOp = (tag: string, operationId: string): Json => ({
    operationId,
    tags: [tag],
    summary: 'Add an annotation (members and up; keys with "write")',
    description:
      '`date` is a day (midnight in the site’s time zone) or an ISO date-time with offset, e.g. a deploy pipeline marking a release. ' +
      'Annotations come back in the stats answer as `annotations`, each with the timeseries bucket it falls in.',
    parameters: [t.siteParam],
    requestBody: body('AnnotationInput', annotationInputSchema),
    responses: { 201: one, ...t.errors(400, 401, 403, 404, 429) },
  });
  const deleteOp = (tag: string, operationId: string): Json => ({
    operationId,
    tags: [tag],
    summary: 'Delete an annotation',
    parameters: [t.siteParam, idParam],
    responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404, 429) },
  });
  return {
    '/api/sites/{id}/annotations': { get: listOp('Dashboard', 'listAnnotations'), post: createOp('Dashboard', 'createAnnotation') },
    '/api/sites/{id}/annotations/{annotation_id}': {
      get: {
        operationId: 'getAnnotation',
        tags: ['Dashboard'],
        summary: 'An annotation',
        parameters: [t.siteParam, idParam],
        responses: { 200: one, ...t.errors(401, 403, 404) },
      },
      patch: {
        operationId: 'updateAnnotation',
        tags: ['Dashboard'],
        summary: 'Change an annotation',
        parameters: [t.siteParam, idParam],
        requestBody: body('AnnotationPatch', annotationPatchSchema),
        responses: { 200: one, ...t.errors(400, 401, 403, 404) },
      },
      delete: deleteOp('Dashboard', 'deleteAnnotation'),
    },
    '/v1/sites/{id}/annotations': { get: listOp('Public API', 'siteAnnotations'), post: createOp('Public API', 'addSiteAnnotation') },
    '/v1/sites/{id}/annotations/{annotation_id}': { delete: deleteOp('Public API', 'deleteSiteAnnotation') },
  };
};
