import { z } from 'zod';
import { reportInputSchema, reportSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

/** Scheduled email reports (routes/reports.ts). */
export const reportsOpenApi: OpenApiSection = (t) => {
  const idParam = { name: 'report_id', in: 'path', required: true, description: 'Report id', schema: { type: 'string' } };
  const tokenParam = {
    name: 'token',
    in: 'query',
    required: true,
    description: 'From the mail’s unsubscribe link',
    schema: { type: 'string' },
  };
  const html = { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } };
  return {
    '/api/sites/{id}/reports': {
      get: {
        operationId: 'listReports',
        tags: ['Dashboard'],
        summary: "The site's email reports",
        parameters: [t.siteParam],
        responses: {
          200: t.json(t.schema('ReportList', z.object({ reports: z.array(reportSchema) }), 'output')),
          ...t.errors(401, 403, 404),
        },
      },
      post: {
        operationId: 'createReport',
        tags: ['Dashboard'],
        summary: 'Mail the site’s last whole day or week to these people (members and up)',
        description:
          'Without `query`: the summary mail (KPIs, top pages, sources and goals, a chart as an inline PNG). With `query` (and `name`): a custom report — ' +
          'the saved query (metrics, dimensions, filters, days) run for its period and attached as CSV or JSON (`attachment`); the query is run once when saved, so one the stats engine refuses is a 400.',
        parameters: [t.siteParam],
        requestBody: { required: true, content: { 'application/json': { schema: t.schema('ReportInput', reportInputSchema, 'input') } } },
        responses: { 201: t.json(t.schema('Report', reportSchema, 'output')), ...t.errors(400, 401, 403, 404) },
      },
    },
    '/api/sites/{id}/reports/{report_id}': {
      delete: {
        operationId: 'deleteReport',
        tags: ['Dashboard'],
        summary: 'Stop a report',
        parameters: [t.siteParam, idParam],
        responses: { 204: { description: 'Deleted' }, ...t.errors(401, 403, 404) },
      },
    },
    '/api/sites/{id}/reports/{report_id}/send': {
      post: {
        operationId: 'sendReport',
        tags: ['Dashboard'],
        summary: 'Mail the last whole period now',
        parameters: [t.siteParam, idParam],
        responses: { 200: t.json(t.schema('ReportSent', z.object({ sent: z.number().int() }), 'output')), ...t.errors(401, 403, 404) },
      },
    },
    '/api/reports/unsubscribe': {
      get: {
        security: [],
        operationId: 'unsubscribePage',
        tags: ['Reports'],
        summary: 'The page behind a mail’s unsubscribe link',
        parameters: [tokenParam],
        responses: { 200: html },
      },
      post: {
        security: [],
        operationId: 'unsubscribe',
        tags: ['Reports'],
        summary: 'Leave the report (one click, no sign-in; also the List-Unsubscribe-Post of mail clients)',
        parameters: [tokenParam],
        responses: { 200: html, ...t.errors(400) },
      },
    },
  };
};
