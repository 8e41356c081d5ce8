import crypto from 'node:crypto';
import type { AlertChannel, AlertDelivery } from '@tidemark/core';
import type { Mailer } from '../auth';
import { outboundFetch, OutboundRefused, type OutboundOptions } from '../outbound';

/** What an alert says, whichever channel carries it. */
export interface Notice {
  kind: 'fired' | 'resolved' | 'test';
  alert: { id: string; name: string; metric: string; condition: string; threshold: number; comparison_period: string };
  site: { id: string; domain: string };
  value: number | null;
  expected: { lower: number | null; upper: number | null } | null;
  /** Start of the bucket, ISO. */
  bucket: string | null;
  message: string;
  /** The site's dashboard (TIDEMARK_PUBLIC_URL when set). */
  link: string | null;
}

export interface DeliveryOptions {
  mailer: Mailer;
  outbound: OutboundOptions;
  /** Tries per Slack or webhook delivery, and the first pause between them (doubling). */
  attempts: number;
  backoffMs: number;
  now?: () => number;
}

export const SIGNATURE_HEADER = 'X-Tidemark-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: receivers recompute it and check t is recent. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

const title = (n: Notice) =>
  n.kind === 'test'
    ? `Test: ${n.alert.name} (${n.site.domain})`
    : `${n.kind === 'fired' ? 'Alert' : 'Resolved'}: ${n.alert.name} (${n.site.domain})`;

/** Slack Block Kit: a header, the facts as fields, the dashboard link. Plain text only, so nothing tracked turns into markup. */
export function slackMessage(n: Notice): Record<string, unknown> {
  const fields = [
    { type: 'plain_text', text: `Metric: ${n.alert.metric}` },
    { type: 'plain_text', text: `Value: ${n.value ?? '–'}` },
    { type: 'plain_text', text: `Condition: ${n.alert.condition} ${n.alert.condition === 'anomaly' ? '' : n.alert.threshold}`.trim() },
    { type: 'plain_text', text: `Bucket: ${n.bucket ?? '–'} (${n.alert.comparison_period})` },
  ];
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: title(n).slice(0, 150) } },
    { type: 'section', text: { type: 'plain_text', text: n.message.slice(0, 2900) }, fields },
  ];
  if (n.link)
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open dashboard' }, url: n.link }] });
  return { text: title(n), blocks };
}

export function webhookBody(n: Notice, sentAt: number): string {
  return JSON.stringify({
    event: `alert.${n.kind}`,
    alert: n.alert,
    site: n.site,
    value: n.value,
    expected: n.expected,
    bucket: n.bucket,
    message: n.message,
    link: n.link,
    sent_at: new Date(sentAt).toISOString(),
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** POSTs with retries (network errors, 429 and 5xx), never past a refusal of the address itself. */
async function post(
  url: string,
  body: () => { body: string; headers: Record<string, string> },
  o: DeliveryOptions,
  channel: AlertDelivery['channel'],
): Promise<AlertDelivery> {
  let status: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      const b = body();
      const res = await outboundFetch(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', ...b.headers }, body: b.body },
        o.outbound,
      );
      status = res.status;
      if (res.status >= 200 && res.status < 300) return { channel, ok: true, attempts: attempt, status, error: null };
      error = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) return { channel, ok: false, attempts: attempt, status, error };
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      if (err instanceof OutboundRefused) return { channel, ok: false, attempts: attempt, status: null, error };
    }
    if (attempt < o.attempts) await sleep(o.backoffMs * 2 ** (attempt - 1));
  }
  return { channel, ok: false, attempts: o.attempts, status, error };
}

export async function deliver(channel: AlertChannel, n: Notice, o: DeliveryOptions): Promise<AlertDelivery> {
  const now = o.now ?? Date.now;
  if (channel.type === 'email') {
    const text = [n.message, '', `Value: ${n.value ?? '–'}`, `Bucket: ${n.bucket ?? '–'}`, n.link ? `Dashboard: ${n.link}` : ''].join('\n');
    try {
      const sent = await o.mailer.send({ to: channel.to.join(', '), subject: title(n), text });
      return { channel: 'email', ok: sent, attempts: 1, status: null, error: sent ? null : 'mail is not configured (SMTP_URL)' };
    } catch (err) {
      return { channel: 'email', ok: false, attempts: 1, status: null, error: err instanceof Error ? err.message : String(err) };
    }
  }
  if (channel.type === 'slack')
    return post(channel.webhook_url, () => ({ body: JSON.stringify(slackMessage(n)), headers: {} }), o, 'slack');
  const secret = channel.secret ?? '';
  return post(
    channel.url,
    () => {
      const sentAt = now();
      const body = webhookBody(n, sentAt);
      const t = Math.floor(sentAt / 1000);
      return {
        body,
        headers: {
          'user-agent': 'Tidemark-Webhooks/1',
          'x-tidemark-timestamp': String(t),
          [SIGNATURE_HEADER.toLowerCase()]: signWebhook(secret, body, t),
        },
      };
    },
    o,
    'webhook',
  );
}
