import { atRiskListSchema, lifetimeModelSchema } from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** Churn and lifetime value (routes/lifetime.ts, lifetime/; docs/churn-ltv.md). */
export const lifetimeOpenApi: OpenApiSection = (t) => {
  const model = t.schema('LifetimeModel', lifetimeModelSchema, 'output');
  const atRisk = t.schema('AtRiskList', atRiskListSchema, 'output');
  const paging = [
    { name: 'limit', in: 'query', required: false, description: '1–500, default 50', schema: { type: 'integer' } },
    { name: 'offset', in: 'query', required: false, description: 'Default 0', schema: { type: 'integer' } },
  ];
  const paths: Record<string, Record<string, Json>> = {};
  for (const [prefix, tag] of [
    ['/api', 'Dashboard'],
    ['/v1', 'Public API'],
  ] as const) {
    const op = (n: string) => (prefix === '/api' ? n : `public${n[0]!.toUpperCase()}${n.slice(1)}`);
    paths[`${prefix}/sites/{id}/models/churn`] = {
      get: {
        operationId: op('getChurnModel'),
        tags: [tag],
        summary: "The site's churn and lifetime-value model: status, parameters, held-out metrics, when trained and on how many people",
        description:
          'BG/NBD on repeat transactions (purchase days on a site with revenue, else active days) of identified people, Gamma-Gamma on ' +
          'purchase values. Metrics come from a fit on everything before the calibration end, judged on the 30 days after it.',
        parameters: [t.siteParam],
        responses: { 200: t.json(model), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/churn/at-risk`] = {
      get: {
        operationId: op('listChurnAtRisk'),
        tags: [tag],
        summary: 'People flagged at risk of churning and not yet lapsed, most recently seen first, with the value distribution',
        parameters: [t.siteParam, ...paging],
        responses: { 200: t.json(atRisk), ...t.errors(400, 401, 403, 404, 429) },
      },
    };
  }
  paths['/api/sites/{id}/models/churn/train'] = {
    post: {
      operationId: 'trainChurnModel',
      tags: ['Dashboard'],
      summary: 'Train the churn and lifetime-value model now (members and up); answers 202 and trains in the background',
      description: 'The model keeps its last parameters while training; GET …/models/churn shows the outcome. Recorded in the audit log.',
      parameters: [t.siteParam],
      responses: { 202: t.json(model, 'Training started'), ...t.errors(401, 403, 404, 429) },
    },
  };
  return paths;
};
