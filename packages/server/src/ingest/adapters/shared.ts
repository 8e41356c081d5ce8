import type { ZodError, ZodType, z } from 'zod';
import type { TimestampInput } from '@tidemark/core';
import type { DropIssue, DropReason } from '../drop';
import type { PreEvent } from '../types';

/** An event an adapter could not map; it goes to the quarantine with its issues. */
export interface RejectedEvent {
  reason: DropReason;
  issues: DropIssue[];
  input: unknown;
}

export interface AdaptedEvents {
  events: PreEvent[];
  rejected: RejectedEvent[];
}

export function zodIssues(err: ZodError, prefix = ''): DropIssue[] {
  return err.issues.slice(0, 20).map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));
}

/**
 * Epoch ms, epoch seconds (scaled: anything below 1e11 cannot be a millisecond time after 1973), a
 * numeric string, or an ISO-8601 date-time. NaN when unreadable; null when absent.
 */
export function parseTimestamp(v: TimestampInput | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
  // Date-only and zone-less strings are read as UTC, never as this server's local time.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : s;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : NaN;
}

/**
 * The first step every adapter takes with one event of a batch: validate it against its contract schema and
 * read its timestamp. On failure the event is added to `rejected` (with issues under `path`) and null returned.
 */
export function readContractEvent<S extends ZodType<{ timestamp?: TimestampInput | null }>>(
  schema: S,
  input: unknown,
  path: string,
  rejected: RejectedEvent[],
): { data: z.infer<S>; ts: number | null } | null {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    rejected.push({ reason: 'invalid_event', issues: zodIssues(parsed.error, path), input });
    return null;
  }
  const ts = parseTimestamp(parsed.data.timestamp);
  if (ts !== null && Number.isNaN(ts)) {
    rejected.push({ reason: 'invalid_timestamp', issues: [{ path: `${path}.timestamp`, message: 'unreadable timestamp' }], input });
    return null;
  }
  return { data: parsed.data, ts };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Property keys naming an address: used for geolocation by the adapters at most, never kept. */
export const IP_KEYS = new Set([
  'ip',
  'ip_address',
  'ipaddress',
  'ipAddress',
  'client_ip',
  'clientIp',
  'remote_addr',
  'remote_ip',
  'x_forwarded_for',
  'x-forwarded-for',
]);

/** A property value as text: strings as they are, numbers and booleans printed, the rest as JSON. */
export function propText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return null;
  }
}

/**
 * Copies custom properties into a flat string map, skipping reserved keys (mapped to columns by the
 * adapter), IP-like keys, prototype-polluting keys and null values.
 */
export function customProps(properties: Record<string, unknown> | null | undefined, reserved: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!properties) return out;
  for (const key of Object.keys(properties)) {
    if (reserved.has(key) || FORBIDDEN_KEYS.has(key) || IP_KEYS.has(key)) continue;
    const text = propText(properties[key]);
    if (text !== null) out[key] = text;
  }
  return out;
}

/** Collects type problems of reserved fields, so a wrongly typed field quarantines its event. */
export class FieldReader {
  readonly issues: DropIssue[] = [];

  constructor(
    private readonly source: Record<string, unknown> | null | undefined,
    private readonly prefix: string,
  ) {}

  /** A string field; numbers are accepted as their text. Truncated to `max` when given. */
  text(key: string, max?: number): string {
    const v = this.source?.[key];
    if (v === undefined || v === null) return '';
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v !== 'string') {
      this.issues.push({ path: `${this.prefix}.${key}`, message: 'expected a string' });
      return '';
    }
    const t = v.trim();
    return max !== undefined && t.length > max ? t.slice(0, max) : t;
  }

  /** A number field (numeric strings accepted), or null; out-of-range values are an issue. */
  num(key: string, min: number, max: number): number | null {
    const v = this.source?.[key];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      this.issues.push({ path: `${this.prefix}.${key}`, message: `expected a number between ${min} and ${max}` });
      return null;
    }
    return n;
  }

  int(key: string, min: number, max: number): number | null {
    const n = this.num(key, min, max);
    return n === null ? null : Math.round(n);
  }

  has(key: string): boolean {
    const v = this.source?.[key];
    return v !== undefined && v !== null;
  }
}

/** ISO 4217 code, upper-cased; '' when not one. */
export function currencyCode(v: string): string {
  const c = v.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(c) ? c : '';
}

/** The page and campaign fields the browser-style contracts send under the same names, with the same limits. */
export function readPageFields(ev: PreEvent, f: FieldReader): void {
  ev.path = f.text('path', 2000);
  ev.title = f.text('title', 2000);
  ev.referrer = f.text('referrer', 2000);
  ev.utm_source = f.text('utm_source', 300);
  ev.utm_medium = f.text('utm_medium', 300);
  ev.utm_campaign = f.text('utm_campaign', 300);
  ev.utm_term = f.text('utm_term', 300);
  ev.utm_content = f.text('utm_content', 300);
}
