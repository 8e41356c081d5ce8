import { scoringRulesSchema, siteScoringSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

/** Lead-scoring rules (http/routes/scoring.ts, scoring/; docs/lead-scoring.md). */
export const scoringOpenApi: OpenApiSection = (t) => {
  const out = t.json(t.schema('SiteScoring', siteScoringSchema, 'output'));
  return {
    '/api/sites/{id}/scoring/rules': {
      get: {
        operationId: 'getScoringRules',
        tags: ['Dashboard'],
        summary: "The site's lead-scoring rules (the default set until the site saves its own)",
        parameters: [t.siteParam],
        responses: { 200: out, ...t.errors(401, 403, 404) },
      },
      put: {
        operationId: 'updateScoringRules',
        tags: ['Dashboard'],
        summary: 'Replace the lead-scoring rules (members and up); validated whole; recorded in the audit log',
        parameters: [t.siteParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('ScoringRules', scoringRulesSchema, 'input') } },
        },
        responses: { 200: out, ...t.errors(400, 401, 403, 404) },
      },
    },
  };
};
