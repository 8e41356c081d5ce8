import type { ServerKeys } from '../secrets';

/**
 * The attribution id a page passes to Stripe (client_reference_id or metadata.tidemark_aid): the visitor
 * and session it was issued to, its expiry, and a MAC that also binds the site (which the webhook URL
 * names), so a token of one site attributes nothing on another. Compact: Checkout's
 * client_reference_id takes at most 200 characters.
 */

const PURPOSE = 'attribution-id';
/** Checkout sessions live up to 24 h; a token taken a while before checkout still counts. */
export const ATTRIBUTION_TTL_MS = 48 * 3_600_000;

export interface AttributionRef {
  visitor_id: string;
  session_id: string;
}

const mac = (keys: ServerKeys, siteId: string, body: string) => keys.hmac(PURPOSE, `${siteId}\u0000${body}`);

export function issueAttributionId(keys: ServerKeys, siteId: string, ref: AttributionRef, now = Date.now()): string {
  const exp = Math.floor((now + ATTRIBUTION_TTL_MS) / 1000);
  const body = Buffer.from(`${exp.toString(36)}\u0000${ref.visitor_id}\u0000${ref.session_id}`).toString('base64url');
  return `${body}.${mac(keys, siteId, body)}`;
}

/** The visitor and session, or null when forged, for another site, malformed, or expired at `at` (ms). */
export function verifyAttributionId(keys: ServerKeys, siteId: string, token: string, at: number): AttributionRef | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = token.slice(dot + 1);
  const expected = mac(keys, siteId, body);
  if (given.length !== expected.length || !timingSafe(given, expected)) return null;
  const [exp, visitor, session, extra] = Buffer.from(body, 'base64url').toString('utf8').split('\u0000');
  if (extra !== undefined || !exp || !visitor || session === undefined) return null;
  const expMs = Number.parseInt(exp, 36) * 1000;
  if (!Number.isFinite(expMs) || expMs <= at) return null;
  return { visitor_id: visitor, session_id: session };
}

function timingSafe(a: string, b: string): boolean {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
