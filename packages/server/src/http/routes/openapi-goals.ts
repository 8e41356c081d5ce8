import { z } from 'zod';
import { goalInputSchema, goalPatchSchema, goalPreviewSchema, goalSchema, goalStatsSchema } from '@tidemark/core';
import { dashboardParamsSchema } from '../../stats';
import type { Json, OpenApiSection } from './openapi-document';

/** Goals (routes/goals.ts): definitions, their stats, the settings' preview, and the public read paths. */
export const goalsSection: OpenApiSection = (t) => {
  const goal = t.schema('Goal', goalSchema, 'output');
  const list = t.schema('GoalList', z.object({ goals: z.array(goalSchema) }), 'output');
  const input = t.schema('GoalInput', goalInputSchema, 'input');
  const goalParam = { name: 'goal_id', in: 'path', required: true, description: 'Goal id', schema: { type: 'string' } };
  // The stats parameters apart from metrics (always the three goal metrics); dimensions default to source,page.
  const statsParams = t.parameters(dashboardParamsSchema.omit({ metrics: true }));
  const body = (schema: Json) => ({ required: true, content: { 'application/json': { schema } } });
  const listOp = (tag: string, operationId: string): Json => ({
    operationId,
    tags: [tag],
    summary: "The site's goals",
    parameters: [t.siteParam],
    responses: { 200: t.json(list), ...t.errors(401, 403, 404, 429) },
  });
  const statsOp = (tag: string, operationId: string): Json => ({
    operationId,
    tags: [tag],
    summary: "A goal's conversions, converting visitors and conversion rate with change, timeseries and breakdowns",
    description:
      'A conversion is a session that completed the goal (sessions belong to the period they start in); conversion_rate = converting visitors / ' +
      'visitors of the same query without the goal × 100. Takes the stats parameters; the goal is added to `filters`.',
    parameters: [t.siteParam, goalParam, ...statsParams],
    responses: { 200: t.json(t.schema('GoalStats', goalStatsSchema, 'output')), ...t.errors(400, 401, 403, 404, 429) },
  });
  return {
    '/api/sites/{id}/goals': {
      get: listOp('Goals', 'listGoals'),
      post: {
        operationId: 'createGoal',
        tags: ['Goals'],
        summary: 'Create a goal (members and up)',
        description:
          'destination: match.path (exact, or * wildcards) or match.path_regex (RE2); event: match.event_name and optional match.event_properties ' +
          '(exact values); duration: match.min_duration_s; pages_per_session: match.min_pages. Goals apply to past data too.',
        parameters: [t.siteParam],
        requestBody: body(input),
        responses: { 201: t.json(goal, 'Created'), ...t.errors(400, 401, 403, 404, 429) },
      },
    },
    '/api/sites/{id}/goals/preview': {
      post: {
        operationId: 'previewGoal',
        tags: ['Goals'],
        summary: 'Conversions an unsaved goal would have matched in the last 30 days',
        parameters: [t.siteParam],
        requestBody: body(input),
        responses: { 200: t.json(t.schema('GoalPreview', goalPreviewSchema, 'output')), ...t.errors(400, 401, 403, 404, 429) },
      },
    },
    '/api/sites/{id}/goals/{goal_id}': {
      get: {
        operationId: 'getGoal',
        tags: ['Goals'],
        summary: 'One goal',
        parameters: [t.siteParam, goalParam],
        responses: { 200: t.json(goal), ...t.errors(401, 403, 404, 429) },
      },
      patch: {
        operationId: 'updateGoal',
        tags: ['Goals'],
        summary: 'Change a goal (members and up); type and match change together',
        parameters: [t.siteParam, goalParam],
        requestBody: body(t.schema('GoalPatch', goalPatchSchema, 'input')),
        responses: { 200: t.json(goal), ...t.errors(400, 401, 403, 404, 429) },
      },
      delete: {
        operationId: 'deleteGoal',
        tags: ['Goals'],
        summary: 'Delete a goal (members and up)',
        parameters: [t.siteParam, goalParam],
        responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404, 429) },
      },
    },
    '/api/sites/{id}/goals/{goal_id}/stats': { get: statsOp('Goals', 'goalStats') },
    '/v1/sites/{id}/goals': { get: listOp('Public API', 'siteGoals') },
    '/v1/sites/{id}/goals/{goal_id}/stats': { get: statsOp('Public API', 'siteGoalStats') },
  };
};
