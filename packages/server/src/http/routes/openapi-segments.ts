import { segmentsSchema, segmentTrainBodySchema } from '@tidemark/core';
import { z } from 'zod';
import type { OpenApiSection } from './openapi-document';

const ABOUT =
  "k-means on each person's standardised behaviour (sessions, page views, pages per session, engaged time, days since last seen, " +
  'goals, identified, the scoring rules’ key pages); k is chosen in 8–12 by the highest mean silhouette. Segments keep their id and ' +
  "name across re-training (new centres are matched to the previous model's by distance). Counts, conversion and revenue are as of training.";

/** Behavioural segments (http/routes/segments.ts, segments/; docs/segments.md). */
export const segmentsOpenApi: OpenApiSection = (t) => {
  const out = t.json(t.schema('Segments', segmentsSchema, 'output'));
  const list = (tag: string, operationId: string) => ({
    get: {
      operationId,
      tags: [tag],
      summary: "The site's behavioural segments: size, conversion, revenue, distinguishing features; k and silhouette",
      description: ABOUT,
      parameters: [t.siteParam],
      responses: { 200: out, ...t.errors(401, 403, 404, 429) },
    },
  });
  const accepted = z.object({ success: z.literal(true), status: z.literal('training') });
  return {
    '/api/sites/{id}/segments': list('Dashboard', 'siteSegments'),
    '/v1/sites/{id}/segments': list('Public API', 'publicSiteSegments'),
    '/api/sites/{id}/segments/train': {
      post: {
        operationId: 'trainSegments',
        tags: ['Dashboard'],
        summary: 'Train the segment model now (members and up; also daily); recorded in the audit log',
        description: `${ABOUT} Answers 202 at once; GET …/segments shows status training, then trained or failed (with the error).`,
        parameters: [t.siteParam],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: t.schema('SegmentTrainRequest', segmentTrainBodySchema, 'input') } },
        },
        responses: {
          202: t.json(t.schema('SegmentTrainAccepted', accepted, 'output'), 'Training started'),
          ...t.errors(400, 401, 403, 404),
        },
      },
    },
  };
};
