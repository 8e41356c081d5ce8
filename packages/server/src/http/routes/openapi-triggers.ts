import {
  deadLettersSchema,
  firingPageParamsSchema,
  triggerDryRunSchema,
  triggerFiringPageSchema,
  triggerInputSchema,
  triggerSchema,
  triggerSettingsSchema,
} from '@tidemark/core';
import { z } from 'zod';
import type { OpenApiSection } from './openapi-document';

/** Triggers (http/routes/triggers.ts, triggers/; docs/triggers.md). */
export const triggersOpenApi: OpenApiSection = (t) => {
  const one = t.json(t.schema('Trigger', triggerSchema, 'output'));
  const input = { required: true, content: { 'application/json': { schema: t.schema('TriggerInput', triggerInputSchema, 'input') } } };
  const triggerParam = { name: 'trigger_id', in: 'path', required: true, schema: { type: 'string' } };
  const actionParam = { name: 'action_id', in: 'path', required: true, schema: { type: 'string' } };
  const settings = t.json(t.schema('TriggerSettings', triggerSettingsSchema, 'output'));
  const list = t.json(t.schema('TriggerList', z.object({ triggers: z.array(triggerSchema) }), 'output'));
  const reads = (prefix: string, tags: string[]) => ({
    [`${prefix}/sites/{id}/triggers`]: {
      get: {
        operationId: `${prefix === '/v1' ? 'v1' : ''}listTriggers`,
        tags,
        summary: "The site's triggers (secrets never shown)",
        parameters: [t.siteParam],
        responses: { 200: list, ...t.errors(401, 403, 404) },
      },
      ...(prefix === '/api'
        ? {
            post: {
              operationId: 'createTrigger',
              tags,
              summary: 'Create a trigger (members and up); recorded in the audit log',
              parameters: [t.siteParam],
              requestBody: input,
              responses: { 201: one, ...t.errors(400, 401, 403, 404) },
            },
          }
        : {}),
    },
    [`${prefix}/sites/{id}/triggers/{trigger_id}`]: {
      get: {
        operationId: `${prefix === '/v1' ? 'v1' : ''}getTrigger`,
        tags,
        summary: 'One trigger',
        parameters: [t.siteParam, triggerParam],
        responses: { 200: one, ...t.errors(401, 403, 404) },
      },
      ...(prefix === '/api'
        ? {
            put: {
              operationId: 'updateTrigger',
              tags,
              summary: 'Replace a trigger; an action that leaves out its secret (webhook secret, Slack URL) keeps the stored one',
              parameters: [t.siteParam, triggerParam],
              requestBody: input,
              responses: { 200: one, ...t.errors(400, 401, 403, 404) },
            },
            delete: {
              operationId: 'deleteTrigger',
              tags,
              summary: 'Delete a trigger, its firings and queued actions',
              parameters: [t.siteParam, triggerParam],
              responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404) },
            },
          }
        : {}),
    },
    [`${prefix}/sites/{id}/triggers/{trigger_id}/firings`]: {
      get: {
        operationId: `${prefix === '/v1' ? 'v1' : ''}listTriggerFirings`,
        tags,
        summary: "The trigger's firings, newest first: person, reason, outcome (queued, capped, global_cap, no_consent), due time",
        parameters: [t.siteParam, triggerParam, ...t.parameters(firingPageParamsSchema)],
        responses: { 200: t.json(t.schema('TriggerFiringPage', triggerFiringPageSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
    [`${prefix}/sites/{id}/dead-letters`]: {
      get: {
        operationId: `${prefix === '/v1' ? 'v1' : ''}listDeadLetters`,
        tags,
        summary: 'Actions that failed every attempt',
        parameters: [t.siteParam],
        responses: { 200: t.json(t.schema('DeadLetters', deadLettersSchema, 'output')), ...t.errors(401, 403, 404) },
      },
    },
    [`${prefix}/sites/{id}/trigger-settings`]: {
      get: {
        operationId: `${prefix === '/v1' ? 'v1' : ''}getTriggerSettings`,
        tags,
        summary: "The site's global cap per person across its triggers",
        parameters: [t.siteParam],
        responses: { 200: settings, ...t.errors(401, 403, 404) },
      },
      ...(prefix === '/api'
        ? {
            put: {
              operationId: 'updateTriggerSettings',
              tags,
              summary: 'Set the global cap (members and up)',
              parameters: [t.siteParam],
              requestBody: {
                required: true,
                content: { 'application/json': { schema: t.schema('TriggerSettings', triggerSettingsSchema, 'input') } },
              },
              responses: { 200: settings, ...t.errors(400, 401, 403, 404) },
            },
          }
        : {}),
    },
  });
  return {
    ...reads('/api', ['Dashboard']),
    ...reads('/v1', ['Public API']),
    '/api/sites/{id}/triggers/dry-run': {
      post: {
        operationId: 'dryRunTrigger',
        tags: ['Dashboard'],
        summary:
          'Who a definition would have matched in the last 7 days and how many actions its caps would have let through; nothing is sent',
        parameters: [t.siteParam],
        requestBody: input,
        responses: { 200: t.json(t.schema('TriggerDryRun', triggerDryRunSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/sites/{id}/dead-letters/{action_id}/retry': {
      post: {
        operationId: 'retryDeadLetter',
        tags: ['Dashboard'],
        summary: 'Queue a dead letter again, now, with its attempts reset',
        parameters: [t.siteParam, actionParam],
        responses: { 200: { description: 'Queued' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/sites/{id}/dead-letters/{action_id}': {
      delete: {
        operationId: 'discardDeadLetter',
        tags: ['Dashboard'],
        summary: 'Discard a dead letter',
        parameters: [t.siteParam, actionParam],
        responses: { 204: { description: 'Discarded' }, ...t.errors(401, 403, 404) },
      },
    },
  };
};
