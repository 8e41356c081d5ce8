import { cohortsSchema } from '@tidemark/core';
import { cohortParamsSchema } from '../../stats';
import type { OpenApiSection } from './openapi-document';

/** Cohorts: retention grids (dashboard and public API). */
export const cohortsOpenApi: OpenApiSection = (t) => {
  const cohorts = t.json(t.schema('Cohorts', cohortsSchema, 'output'));
  const op = (tag: string, operationId: string) => ({
    get: {
      operationId,
      tags: [tag],
      summary: 'Cohorts by first visit, first source or landing page, with retention and goal completion per following period',
      description:
        'A member (a visitor id, or with unit=people a person: an identified user together with the visitor ids that identified as them) belongs to the cohort ' +
        'of its first event (looked for up to 180 days before the period) when that event is in the period. Per cohort: its size and, per period since the ' +
        "member's first (in the site's time zone), the members with any event then (retention) and those completing the goal. `basis` says what was counted.",
      parameters: [t.siteParam, ...t.parameters(cohortParamsSchema)],
      responses: { 200: cohorts, ...t.errors(400, 401, 403, 404, 429) },
    },
  });
  return {
    '/api/sites/{id}/cohorts': op('Dashboard', 'siteCohorts'),
    '/v1/sites/{id}/cohorts': op('Public API', 'publicSiteCohorts'),
  };
};
