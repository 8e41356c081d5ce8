import { outboundFetch, OutboundRefused, type OutboundOptions, type OutboundResponse } from '../outbound';
import type { DeliveryResult } from './types';

/** A failed delivery: retryable when the other side may well accept the same request later. */
export const failure = (retryable: boolean, error: string, status?: number): DeliveryResult =>
  status === undefined ? { ok: false, retryable, error } : { ok: false, retryable, status, error };

/** Retrying helps on throttling and on the other side's own errors; any other 4xx needs a change first. */
export const retryableStatus = (status: number): boolean => status === 429 || status >= 500;

export type CallOutcome = { ok: true; res: OutboundResponse } | { ok: false; result: DeliveryResult };

/** The provider's own words for an error, shortened: JSON:API `errors[].detail`, HubSpot `message`, else the body's start. */
export function providerError(res: OutboundResponse): string {
  let detail = res.body.slice(0, 300);
  try {
    const j = JSON.parse(res.body) as { message?: unknown; errors?: Array<{ detail?: unknown; title?: unknown; message?: unknown }> };
    const first = j.errors?.[0];
    const d = first?.detail ?? first?.message ?? first?.title ?? j.message;
    if (typeof d === 'string' && d) detail = d.slice(0, 300);
  } catch {
    // not JSON: the body's start says what there is to say
  }
  return detail ? `HTTP ${res.status}: ${detail}` : `HTTP ${res.status}`;
}

/**
 * One request through the outbound guard, classified: 2xx passes (207, a batch's partial failure, does not);
 * a refused address or a malformed URL is final; timeouts, refused connections, 429 and 5xx may be retried.
 */
export async function call(
  url: string,
  req: { method: string; headers: Record<string, string>; body?: string },
  opts: OutboundOptions,
  /** Statuses outside 2xx, or 207, that still count as an answer to read (a batch read's partial result). */
  alsoAccept: number[] = [],
): Promise<CallOutcome> {
  let res: OutboundResponse;
  try {
    const headers = req.body === undefined ? req.headers : { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) };
    res = await outboundFetch(url, { ...req, headers }, opts);
  } catch (err) {
    if (err instanceof OutboundRefused) {
      const redirected = opts.maxRedirects === 0 && /redirect/.test(err.message);
      return { ok: false, result: failure(false, redirected ? 'the address answered with a redirect; use the final URL' : err.message) };
    }
    if (err instanceof TypeError) return { ok: false, result: failure(false, `invalid request (URL or header): ${err.message}`) };
    return { ok: false, result: failure(true, err instanceof Error ? err.message || String(err) : String(err)) };
  }
  if ((res.status >= 200 && res.status < 300 && res.status !== 207) || alsoAccept.includes(res.status)) return { ok: true, res };
  const result = failure(retryableStatus(res.status), providerError(res), res.status);
  const wait = retryAfterMs(res.headers['retry-after'], Date.now());
  return { ok: false, result: wait === null || result.ok ? result : { ...result, retry_after_ms: wait } };
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Splits `items` into runs of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Trait values as a provider's string properties (nulls left out). */
export function stringProps(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}
