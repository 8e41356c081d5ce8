import { z } from 'zod';
import {
  experimentAssignRequestSchema,
  experimentAssignResponseSchema,
  experimentInputSchema,
  experimentPatchSchema,
  experimentResultsSchema,
  experimentSchema,
  experimentWinnerSchema,
} from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** Experiments (routes/experiments.ts, docs/experiments.md): definitions, lifecycle, results, the browser's assignment. */
export const experimentsOpenApi: OpenApiSection = (t) => {
  const experiment = t.schema('Experiment', experimentSchema, 'output');
  const list = t.schema('ExperimentList', z.object({ experiments: z.array(experimentSchema) }), 'output');
  const results = t.schema('ExperimentResults', experimentResultsSchema, 'output');
  const idParam = { name: 'experiment_id', in: 'path', required: true, description: 'Experiment id', schema: { type: 'string' } };
  const body = (schema: Json) => ({ required: true, content: { 'application/json': { schema } } });
  const paths: Record<string, Record<string, Json>> = {};
  for (const [prefix, tag] of [
    ['/api', 'Experiments'],
    ['/v1', 'Public API'],
  ] as const) {
    const op = (n: string) => (prefix === '/api' ? n : `public${n[0]!.toUpperCase()}${n.slice(1)}`);
    paths[`${prefix}/sites/{id}/experiments`] = {
      get: {
        operationId: op('listExperiments'),
        tags: [tag],
        summary: "The site's experiments, newest first",
        parameters: [t.siteParam],
        responses: { 200: t.json(list), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/experiments/{experiment_id}`] = {
      get: {
        operationId: op('getExperiment'),
        tags: [tag],
        summary: 'One experiment',
        parameters: [t.siteParam, idParam],
        responses: { 200: t.json(experiment), ...t.errors(401, 403, 404, 429) },
      },
    };
    paths[`${prefix}/sites/{id}/experiments/{experiment_id}/results`] = {
      get: {
        operationId: op('experimentResults'),
        tags: [tag],
        summary:
          'Results per variant: exposures, conversions after exposure, uplift with its 95 % interval, p-values, probability to beat control, sample-ratio check',
        description:
          'People are counted by user id when identified, else visitor id; a person belongs to the variant of their first exposure and converts with a goal ' +
          'event (or a revenue amount) at or after it, up to the stop. The control is the first variant. p_value: pooled two-proportion z-test; ' +
          'always_valid_p_value: mixture SPRT, valid at any look; probability_to_beat_control: Beta(1,1) posteriors. srm.mismatch when the ' +
          'chi-square p-value of exposed people against the weights is below 0.001.',
        parameters: [t.siteParam, idParam],
        responses: { 200: t.json(results), ...t.errors(400, 401, 403, 404, 429) },
      },
    };
  }
  const write = (operationId: string, summary: string, extra: Json = {}): Json => ({
    operationId,
    tags: ['Experiments'],
    summary,
    parameters: [t.siteParam, idParam],
    responses: { 200: t.json(experiment), ...t.errors(400, 401, 403, 404, 409, 429) },
    ...extra,
  });
  paths['/api/sites/{id}/experiments']!.post = {
    operationId: 'createExperiment',
    tags: ['Experiments'],
    summary: 'Create a draft experiment (members and up)',
    description: 'The first variant is the control. The metric is a destination or event goal of the site, or revenue.',
    parameters: [t.siteParam],
    requestBody: body(t.schema('ExperimentInput', experimentInputSchema, 'input')),
    responses: { 201: t.json(experiment, 'Created'), ...t.errors(400, 401, 403, 404, 409, 429) },
  };
  paths['/api/sites/{id}/experiments/{experiment_id}']!.patch = write(
    'updateExperiment',
    'Rename; change variants or metric while a draft',
    {
      requestBody: body(t.schema('ExperimentPatch', experimentPatchSchema, 'input')),
    },
  );
  paths['/api/sites/{id}/experiments/{experiment_id}']!.delete = {
    operationId: 'deleteExperiment',
    tags: ['Experiments'],
    summary: 'Delete an experiment (its exposure events stay with the site’s events)',
    parameters: [t.siteParam, idParam],
    responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404, 429) },
  };
  paths['/api/sites/{id}/experiments/{experiment_id}/start'] = {
    post: write('startExperiment', 'Start a draft: pages are assigned from now on'),
  };
  paths['/api/sites/{id}/experiments/{experiment_id}/stop'] = {
    post: write('stopExperiment', 'Stop: pages are shown the winner, or the control while none is declared'),
  };
  paths['/api/sites/{id}/experiments/{experiment_id}/winner'] = {
    post: write('declareExperimentWinner', 'Declare the winner (stops a running experiment)', {
      requestBody: body(t.schema('ExperimentWinner', experimentWinnerSchema, 'input')),
    }),
  };
  paths['/api/experiments/assign'] = {
    post: {
      operationId: 'assignExperiments',
      tags: ['Experiments'],
      summary: "The visitor's variants (t.experiment.js; from one of the site's hosts, text/plain JSON like collection)",
      description:
        'aid is the attribution id the collector answered (getAttributionId()), naming the visitor and session; user_id the identified user, ' +
        'who is then the unit. Running experiments give the variant and the exposure event id (one per session); stopped ones the winner or control.',
      requestBody: {
        required: true,
        content: { 'text/plain': { schema: t.schema('ExperimentAssignRequest', experimentAssignRequestSchema, 'input') } },
      },
      responses: {
        200: t.json(t.schema('ExperimentAssignments', experimentAssignResponseSchema, 'output')),
        ...t.errors(400, 403, 404, 429),
      },
    },
  };
  return paths;
};
