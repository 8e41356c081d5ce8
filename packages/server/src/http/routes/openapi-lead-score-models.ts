import { leadModelStatusSchema, leadScoreTrainSchema, scoringModeSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

/** Lead-score models and the scoring mode (http/routes/lead-score-models.ts, scoring/; docs/lead-scoring.md). */
export const leadScoreModelsOpenApi: OpenApiSection = (t) => {
  const out = t.json(t.schema('LeadModelStatus', leadModelStatusSchema, 'output'));
  const get = (operationId: string, tags: string[]) => ({
    operationId,
    tags,
    summary: "The site's lead-score model: status (none, queued, training, ready, failed), held-out metrics, whether it is active",
    parameters: [t.siteParam],
    responses: { 200: out, ...t.errors(401, 403, 404) },
  });
  return {
    '/api/sites/{id}/models/lead-score': { get: get('getLeadScoreModel', ['Dashboard']) },
    '/v1/sites/{id}/models/lead-score': { get: get('getLeadScoreModelV1', ['Public API']) },
    '/api/sites/{id}/models/lead-score/train': {
      post: {
        operationId: 'trainLeadScoreModel',
        tags: ['Dashboard'],
        summary:
          'Train the lead-score model now (members and up): runs in the background, one training at a time per site (409 while one is queued or running); activated only when it beats the rules on held-out people',
        parameters: [t.siteParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('LeadScoreTrain', leadScoreTrainSchema, 'input') } },
        },
        responses: { 202: out, ...t.errors(400, 401, 403, 404, 409) },
      },
    },
    '/api/sites/{id}/scoring/mode': {
      put: {
        operationId: 'setScoringMode',
        tags: ['Dashboard'],
        summary: 'Score profiles by the rules or by the active model (members and up); recorded in the audit log',
        parameters: [t.siteParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('ScoringMode', scoringModeSchema, 'input') } },
        },
        responses: { 200: out, ...t.errors(400, 401, 403, 404) },
      },
    },
  };
};
