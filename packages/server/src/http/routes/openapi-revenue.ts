import { revenueParamsSchema, revenueReportSchema } from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

/** Revenue: the report (API key) and the Stripe webhook receiver. */
export const revenueOpenApi: OpenApiSection = (t) => {
  const report = t.schema('RevenueReport', revenueReportSchema, 'output');
  const op = (tag: string) => ({
    tags: [tag],
    summary: 'Revenue, MRR and attribution of a period',
    description:
      'Amounts in the site reporting currency (major units); amounts of currencies without an exchange rate are listed in `unconverted`, never added in. ' +
      'Attribution over the paying visitor sessions started within `lookback_days` before each payment: first_touch, last_touch (last non-direct session), linear, time_decay (half-life `half_life_days`), position_based (40/20/40). Credits sum exactly to each amount.',
    parameters: [t.siteParam, ...t.parameters(revenueParamsSchema)],
    responses: { 200: t.json(report), ...t.errors(400, 401, 403, 404, 429) },
  });
  return {
    '/v1/sites/{id}/revenue': { get: { operationId: 'siteRevenue', ...op('Public API') } },
    '/api/sites/{id}/revenue': { get: { operationId: 'dashboardRevenue', ...op('Dashboard') } },
    '/api/webhooks/stripe/{site_id}': {
      post: {
        tags: ['Revenue'],
        summary: 'Stripe webhook receiver',
        description:
          'Point a Stripe webhook endpoint here and set its signing secret on the site (`stripe_webhook_secret`). Verified with the Stripe-Signature header over the raw body; events: checkout.session.completed, payment_intent.succeeded, invoice.paid, customer.subscription.created|updated|deleted, charge.refunded (others answered 200 and ignored).',
        security: [],
        parameters: [{ name: 'site_id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          200: t.json({ type: 'object', properties: { success: { type: 'boolean' }, received: { type: 'boolean' } } }),
          ...t.errors(400, 404),
        },
      },
    },
  };
};
