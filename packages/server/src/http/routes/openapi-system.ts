import { z } from 'zod';
import { alertDeliverySchema, systemAlertInputSchema, systemAlertSchema, systemStatusSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

/** The System page (routes/system.ts): instance administrators only. */
export const systemOpenApi: OpenApiSection = (t) => {
  const idParam = { name: 'alert_id', in: 'path', required: true, description: 'System alert id', schema: { type: 'string' } };
  const admin = 'Instance administrators only (TIDEMARK_INSTANCE_ADMINS, TIDEMARK_ADMIN_EMAIL); 403 for anyone else.';
  return {
    '/api/admin/system': {
      get: {
        operationId: 'systemStatus',
        tags: ['Dashboard'],
        summary: "The instance's health: dependencies, ingest rate and drops, ingest backlog, storage per site, jobs, last errors",
        description: admin,
        responses: { 200: t.json(t.schema('SystemStatus', systemStatusSchema, 'output')), ...t.errors(401, 403) },
      },
    },
    '/api/admin/system/alerts': {
      get: {
        operationId: 'listSystemAlerts',
        tags: ['Dashboard'],
        summary: 'Threshold alerts on the system itself',
        description: admin,
        responses: {
          200: t.json(t.schema('SystemAlertList', z.object({ alerts: z.array(systemAlertSchema) }), 'output')),
          ...t.errors(401, 403),
        },
      },
      post: {
        operationId: 'createSystemAlert',
        tags: ['Dashboard'],
        summary: 'Create a system alert',
        description: `${admin} Judged every minute by the jobs role (the leader at scale); "fired" once when the value goes above the threshold, "resolved" when it is back under it, through the same channels as the sites' alerts.`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('SystemAlertInput', systemAlertInputSchema, 'input') } },
        },
        responses: { 201: t.json(t.schema('SystemAlert', systemAlertSchema, 'output')), ...t.errors(400, 401, 403) },
      },
    },
    '/api/admin/system/alerts/{alert_id}': {
      delete: {
        operationId: 'deleteSystemAlert',
        tags: ['Dashboard'],
        summary: 'Delete a system alert',
        description: admin,
        parameters: [idParam],
        responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/admin/system/alerts/{alert_id}/test': {
      post: {
        operationId: 'testSystemAlert',
        tags: ['Dashboard'],
        summary: 'Send a test notice through every channel now',
        description: admin,
        parameters: [idParam],
        responses: {
          200: t.json(t.schema('SystemAlertTest', z.object({ deliveries: z.array(alertDeliverySchema) }), 'output')),
          ...t.errors(401, 403, 404),
        },
      },
    },
  };
};
