import crypto from 'node:crypto';
import type { AlertChannel, AlertDelivery, OrgBranding } from '@tidemark/core';
import { brandMail, type Mailer } from '../auth';
import { outboundFetch, OutboundRefused, type OutboundOptions } from '../outbound';
import { brandBannerHtml } from '../tenancy';

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
  /** The site's organization's branding (its reseller's for a client): e-mails go out in it. */
  brand: OrgBranding;
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

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The alert as an e-mail: plain text, and an HTML version under the organization's banner. */
export function alertMail(n: Notice, brand: OrgBranding): { subject: string; text: string; html: string } {
  const facts = [`Value: ${n.value ?? '–'}`, `Bucket: ${n.bucket ?? '–'}`];
  const text = [n.message, '', ...facts, n.link ? `Dashboard: ${n.link}` : '', '', `Sent by ${brand.product_name}`].join('\n');
  const p = (inner: string, style = '') => `<p style="font:14px Arial,sans-serif;${style}">${inner}</p>`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title(n))}</title></head><body style="margin:0;padding:16px;background:#f6f7f9"><div style="max-width:640px;margin:0 auto;background:#fff;border:1px solid #e5e7eb">${brandBannerHtml(brand)}<div style="padding:18px"><h2 style="font:bold 18px Arial,sans-serif;margin:0 0 12px">${esc(title(n))}</h2>${p(esc(n.message))}${p(facts.map(esc).join('<br>'))}${n.link ? p(`<a href="${esc(n.link)}">Open the dashboard</a>`) : ''}${p(`Sent by ${esc(brand.product_name)}`, `font-size:12px;color:${brand.primary_color}`)}</div></div></body></html>`;
  return { subject: title(n), text, html };
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
    try {
      const sent = await o.mailer.send(brandMail({ to: channel.to.join(', '), ...alertMail(n, o.brand) }, o.brand));
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
