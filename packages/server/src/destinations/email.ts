import type { OrgBranding } from '@tidemark/core';
import { brandMail, type Mailer } from '../auth';
import { brandBannerHtml } from '../tenancy';
import { failure } from './http';
import { renderTemplate, templateView, type TemplateView } from './templates';
import type { ActionPerson, DeliveryContext, DeliveryResult } from './types';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain address without header-breaking characters (not a full RFC 5322 check: the mail server has the last word). */
export const plainAddress = (s: string | null | undefined): s is string =>
  typeof s === 'string' && s.length <= 320 && /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/.test(s);

/** The action's mail: subject and text rendered plain, the HTML part escaped and set under the organization's banner. */
export function actionMail(
  action: { subject: string; body: string },
  view: TemplateView,
  brand: OrgBranding,
): { subject: string; text: string; html: string } {
  const subject = renderTemplate(action.subject, view, 'text').replace(/\s+/g, ' ').trim().slice(0, 200);
  const text = renderTemplate(action.body, view, 'text');
  const bodyHtml = renderTemplate(action.body, view, 'html')
    .split(/\r?\n\s*\r?\n/)
    .map((para) => `<p style="font:14px Arial,sans-serif;margin:0 0 12px">${para.replace(/\r?\n/g, '<br>')}</p>`)
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body style="margin:0;padding:16px;background:#f6f7f9"><div style="max-width:640px;margin:0 auto;background:#fff;border:1px solid #e5e7eb">${brandBannerHtml(brand)}<div style="padding:18px">${bodyHtml}<p style="font:12px Arial,sans-serif;color:${esc(brand.primary_color)}">Sent by ${esc(brand.product_name)}</p></div></div></body></html>`;
  return { subject, text, html };
}

/** SMTP answers 4xx for "try later" and 5xx for "never"; no answer at all (connection, timeout) is worth a retry. */
function mailFailure(err: unknown): DeliveryResult {
  const code = (err as { responseCode?: unknown }).responseCode;
  const message = err instanceof Error ? err.message : String(err);
  return failure(!(typeof code === 'number' && code >= 500), message);
}

export async function deliverEmail(
  action: { to: 'person' | string; subject: string; body: string },
  person: ActionPerson,
  ctx: DeliveryContext,
  o: { mailer: Mailer; brand: () => Promise<OrgBranding> },
): Promise<DeliveryResult> {
  const to = action.to === 'person' ? person.email : action.to;
  if (!plainAddress(to))
    return failure(false, action.to === 'person' ? 'the person has no e-mail address' : 'the recipient is not an e-mail address');
  if (!o.mailer.configured) return failure(false, 'mail is not configured (TIDEMARK_SMTP_URL)');
  const brand = await o.brand();
  let mail: { subject: string; text: string; html: string };
  try {
    mail = actionMail(action, templateView(person, ctx), brand);
  } catch (err) {
    return failure(false, `the mail template does not render: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const sent = await o.mailer.send(brandMail({ to, ...mail, headers: { 'X-Tidemark-Delivery': ctx.idempotency_key } }, brand));
    return sent ? { ok: true } : failure(false, 'mail is not configured (TIDEMARK_SMTP_URL)');
  } catch (err) {
    return mailFailure(err);
  }
}
