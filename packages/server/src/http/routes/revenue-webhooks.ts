import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { header, rawBody } from './collect-common';

/** Stripe events carry whole invoices (many lines); still far below this. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * `POST /api/webhooks/stripe/{site_id}` (docs/revenue.md): the body is kept as received, because the
 * signature is over the exact bytes; the stripe package verifies it against the site's signing secret.
 * 200 {"received":true} once stored (or ignored, for event types revenue does not use); 400 for a bad
 * signature or payload, 404 for an unknown site — nothing is stored then.
 */
export async function revenueWebhookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post('/api/webhooks/stripe/:siteId', async (req: FastifyRequest) => {
      const { siteId } = req.params as { siteId: string };
      const result = await ctx.revenue.stripeWebhook(siteId, rawBody(req), header(req, 'stripe-signature') || undefined);
      return { success: true, ...result };
    });
  });
}
