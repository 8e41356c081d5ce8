import { z } from 'zod';
import { alertEventSchema, alertInputSchema, alertPatchSchema, alertSchema } from '@tidemark/core';
import type { Json, OpenApiSection } from './openapi-document';

/** Alerts (routes/alerts.ts): definitions, history and test sends, for the dashboard. */
export const alertsOpenApi: OpenApiSection = (t) => {
  const one = t.json(t.schema('Alert', alertSchema, 'output'));
  const idParam = { name: 'alert_id', in: 'path', required: true, description: 'Alert id', schema: { type: 'string' } };
  const event = t.schema('AlertEvent', alertEventSchema, 'output');
  const body = (name: string, schema: typeof alertInputSchema | typeof alertPatchSchema): Json => ({
    required: true,
    content: { 'application/json': { schema: t.schema(name, schema, 'input') } },
  });
  return {
    '/api/sites/{id}/alerts': {
      get: {
        operationId: 'listAlerts',
        tags: ['Dashboard'],
        summary: "The site's alerts",
        parameters: [t.siteParam],
        responses: { 200: t.json(t.schema('AlertList', z.object({ alerts: z.array(alertSchema) }), 'output')), ...t.errors(401, 403, 404) },
      },
      post: {
        operationId: 'createAlert',
        tags: ['Dashboard'],
        summary: 'Create an alert (members and up)',
        description:
          'Judged every 5 minutes on the last closed hour, day or week; fires once per incident and sends "resolved" when it clears. ' +
          'anomaly: outside median ± 4 robust standard deviations of the same bucket of the week over the last 8 weeks (docs/operations.md). ' +
          'Webhooks carry X-Tidemark-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.',
        parameters: [t.siteParam],
        requestBody: body('AlertInput', alertInputSchema),
        responses: { 201: one, ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/sites/{id}/alerts/{alert_id}': {
      get: {
        operationId: 'getAlert',
        tags: ['Dashboard'],
        summary: 'An alert',
        parameters: [t.siteParam, idParam],
        responses: { 200: one, ...t.errors(401, 403, 404) },
      },
      patch: {
        operationId: 'updateAlert',
        tags: ['Dashboard'],
        summary: 'Change an alert (its state starts afresh)',
        parameters: [t.siteParam, idParam],
        requestBody: body('AlertPatch', alertPatchSchema),
        responses: { 200: one, ...t.errors(400, 401, 403, 404) },
      },
      delete: {
        operationId: 'deleteAlert',
        tags: ['Dashboard'],
        summary: 'Delete an alert and its history',
        parameters: [t.siteParam, idParam],
        responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/sites/{id}/alerts/{alert_id}/history': {
      get: {
        operationId: 'alertHistory',
        tags: ['Dashboard'],
        summary: 'What the alert sent, newest first, with each channel’s delivery',
        parameters: [t.siteParam, idParam],
        responses: {
          200: t.json(t.schema('AlertHistory', z.object({ events: z.array(alertEventSchema) }), 'output')),
          ...t.errors(401, 403, 404),
        },
      },
    },
    '/api/sites/{id}/alerts/{alert_id}/test': {
      post: {
        operationId: 'testAlert',
        tags: ['Dashboard'],
        summary: 'Send a test notice through every channel now',
        parameters: [t.siteParam, idParam],
        responses: { 200: t.json(event), ...t.errors(401, 403, 404) },
      },
    },
  };
};
