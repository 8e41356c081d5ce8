import { cohortsSchema, journeySegmentsSchema } from '@tidemark/core';
import { cohortParamsSchema, journeyParamsSchema } from '../../stats';
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
  const journeys = t.json(t.schema('JourneySegments', journeySegmentsSchema, 'output'));
  const jop = (tag: string, operationId: string) => ({
    get: {
      operationId,
      tags: [tag],
      summary: 'Journey segments over a goal: direct converters, researchers, later converters, browsers, others',
      description:
        'Per member (visitor id, or person by default) its sessions starting in the period, in order, each completing the goal or not: completed in the first ' +
        'session = direct converter; in the 2nd to 5th = researcher; later = later converter; never, with 3 or more sessions = browser; else others.',
      parameters: [t.siteParam, ...t.parameters(journeyParamsSchema)],
      responses: { 200: journeys, ...t.errors(400, 401, 403, 404, 429) },
    },
  });
  return {
    '/api/sites/{id}/cohorts': op('Dashboard', 'siteCohorts'),
    '/v1/sites/{id}/cohorts': op('Public API', 'publicSiteCohorts'),
    '/api/sites/{id}/journeys': jop('Dashboard', 'siteJourneys'),
    '/v1/sites/{id}/journeys': jop('Public API', 'publicSiteJourneys'),
  };
};
