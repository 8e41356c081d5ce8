import { SIGNATURE_HEADER, signWebhook } from '../alerts';
import type { OutboundOptions } from '../outbound';
import { call, failure } from './http';
import { renderTemplate, templateView } from './templates';
import type { ActionPerson, DeliveryContext, DeliveryResult } from './types';

export { SIGNATURE_HEADER };
export const TIMESTAMP_HEADER = 'X-Tidemark-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * The JSON a webhook action posts: the context's `data` fields first, then the fields this module owns
 * (so `data` cannot overwrite them).
 */
export function webhookPayload(person: ActionPerson, ctx: DeliveryContext, sentAt: number): Record<string, unknown> {
  return {
    ...(ctx.data ?? {}),
    idempotency_key: ctx.idempotency_key,
    reason: ctx.reason,
    person: {
      site_id: person.site_id,
      profile_id: person.profile_id,
      user_id: person.user_id,
      email: person.email,
      traits: person.traits,
    },
    event: ctx.event ?? null,
    sent_at: new Date(sentAt).toISOString(),
  };
}

/**
 * POSTs the payload with `Idempotency-Key`, `X-Tidemark-Timestamp` and, when the action has a secret,
 * `X-Tidemark-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (as alert webhooks).
 */
export async function deliverWebhook(
  action: { url: string; secret?: string | null },
  person: ActionPerson,
  ctx: DeliveryContext,
  outbound: OutboundOptions,
  now: () => number,
): Promise<DeliveryResult> {
  if (!action.url) return failure(false, 'the webhook has no URL');
  const sentAt = now();
  const body = JSON.stringify(webhookPayload(person, ctx, sentAt));
  const t = Math.floor(sentAt / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Tidemark-Webhooks/1',
    [IDEMPOTENCY_HEADER.toLowerCase()]: ctx.idempotency_key,
    [TIMESTAMP_HEADER.toLowerCase()]: String(t),
  };
  if (action.secret) headers[SIGNATURE_HEADER.toLowerCase()] = signWebhook(action.secret, body, t);
  const r = await call(action.url, { method: 'POST', headers, body }, outbound);
  return r.ok ? { ok: true, status: r.res.status } : r.result;
}

/** A Slack incoming-webhook message: `text` rendered (Slack's control characters escaped in what it inserts). */
export async function deliverSlack(
  action: { webhook_url: string; text: string },
  person: ActionPerson,
  ctx: DeliveryContext,
  outbound: OutboundOptions,
): Promise<DeliveryResult> {
  if (!action.webhook_url) return failure(false, 'the Slack action has no webhook URL');
  let text: string;
  try {
    text = renderTemplate(action.text, templateView(person, ctx), 'slack').slice(0, 3000);
  } catch (err) {
    return failure(false, `the Slack template does not render: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!text.trim()) return failure(false, 'the Slack message is empty');
  const r = await call(
    action.webhook_url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Tidemark-Webhooks/1' },
      body: JSON.stringify({ text }),
    },
    outbound,
  );
  return r.ok ? { ok: true, status: r.res.status } : r.result;
}
