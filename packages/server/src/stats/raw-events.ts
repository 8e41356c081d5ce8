import { z } from 'zod';
import { badRequest, EVENT_COLUMNS } from '@tidemark/core';
import type { Dialect } from './dialect';
import { bindInt, bindString, ident, join, render, sql, type CompiledSql } from './sql';

/**
 * Raw events for the public API (`GET /v1/sites/{id}/events`), oldest first, cursor-paginated on the
 * unique key (ts, event_id) so pages never skip or repeat events even when many share a timestamp.
 */

export const rawEventsParamsSchema = z
  .object({
    /** ISO date-time, date (UTC midnight) or ms since the epoch; default 30 days before `to`. */
    from: z.string().max(40).optional(),
    /** Exclusive; default now. */
    to: z.string().max(40).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export type RawEventsParams = z.input<typeof rawEventsParamsSchema>;

export interface RawEventsRequest {
  fromMs: number;
  toMs: number;
  limit: number;
  after: { ts: number; id: string } | null;
}

const DEFAULT_SPAN_MS = 30 * 86_400_000;

/** Instants both engines can compare with a stored time (the store keeps years 1900..2299). */
const MIN_INSTANT_MS = Date.parse('1900-01-01T00:00:00Z');
const MAX_INSTANT_MS = Date.parse('2300-01-01T00:00:00Z');
const inRange = (ms: number) => Number.isSafeInteger(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;

export function parseInstant(value: string, field: string): number {
  let ms = Number.NaN;
  if (/^\d{1,15}$/.test(value)) ms = Number(value);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) ms = Date.parse(`${value}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) ms = Date.parse(value);
  if (!Number.isSafeInteger(ms))
    throw badRequest('invalid_date_range', `${field}: expected an ISO date-time, a date or milliseconds since the epoch`);
  if (!inRange(ms)) throw badRequest('invalid_date_range', `${field}: must be between 1900 and 2300`);
  return ms;
}

const UUIDISH = /^[0-9a-fA-F-]{1,64}$/;

export function encodeCursor(ts: number, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { ts: number; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && inRange(v[0]) && typeof v[1] === 'string' && UUIDISH.test(v[1]))
      return { ts: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw badRequest('invalid_cursor', 'cursor: not a cursor returned by this endpoint');
}

export function parseRawEventsParams(raw: unknown, nowMs: number): RawEventsRequest {
  const r = rawEventsParamsSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw badRequest(
      issue?.code === 'unrecognized_keys' ? 'unknown_parameter' : 'invalid_parameter',
      `${issue?.path.join('.') || 'query'}: ${issue?.message}`,
    );
  }
  const toMs = r.data.to ? parseInstant(r.data.to, 'to') : nowMs;
  const fromMs = r.data.from ? parseInstant(r.data.from, 'from') : toMs - DEFAULT_SPAN_MS;
  if (fromMs > toMs) throw badRequest('invalid_date_range', 'from is after to');
  return { fromMs, toMs, limit: r.data.limit, after: r.data.cursor ? decodeCursor(r.data.cursor) : null };
}

/** Selects limit + 1 rows so the caller knows whether another page exists. */
export function compileRawEvents(d: Dialect, siteId: string, req: RawEventsRequest): CompiledSql {
  const ts = ident('ts');
  const cols = EVENT_COLUMNS.map((c) => {
    if (c.kind === 'timestamp_ms') return sql`${d.timestampToMs(ident(c.name))} AS ${ident(c.name)}`;
    if (c.kind === 'uuid') return sql`${d.toText(ident(c.name))} AS ${ident(c.name)}`;
    return ident(c.name);
  });
  const where = [
    sql`site_id = ${bindString(siteId)}`,
    sql`${ts} >= ${d.timestampFromMs(req.fromMs)}`,
    sql`${ts} < ${d.timestampFromMs(req.toMs)}`,
  ];
  if (req.after) {
    const at = d.timestampFromMs(req.after.ts);
    where.push(
      sql`(${ts} > ${at} OR (${ts} = ${d.timestampFromMs(req.after.ts)} AND ${d.toText(ident('event_id'))} > ${bindString(req.after.id)}))`,
    );
  }
  return render(
    sql`SELECT ${join(cols)} FROM events WHERE ${join(where, ' AND ')} ORDER BY ts ASC, ${d.toText(ident('event_id'))} ASC LIMIT ${bindInt(req.limit + 1)}`,
    d,
  );
}

export interface RawEventsPage {
  events: Array<Record<string, unknown>>;
  /** Pass as `cursor` to get the next page; null on the last page. */
  next_cursor: string | null;
}

export function shapeRawEvents(rows: Record<string, unknown>[], limit: number): RawEventsPage {
  const page = rows.slice(0, limit).map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of EVENT_COLUMNS) {
      const v = r[c.name];
      if (c.kind === 'json') out[c.name] = parseProps(v);
      else if (c.kind === 'timestamp_ms' || c.kind === 'int' || c.kind === 'float') out[c.name] = v == null ? null : Number(v);
      else out[c.name] = v == null ? '' : String(v);
    }
    return out;
  });
  const last = page[page.length - 1];
  return { events: page, next_cursor: rows.length > limit && last ? encodeCursor(Number(last.ts), String(last.event_id)) : null };
}

function parseProps(v: unknown): Record<string, string> {
  if (v && typeof v === 'object') return v as Record<string, string>;
  if (typeof v !== 'string' || v === '') return {};
  try {
    const o = JSON.parse(v) as unknown;
    return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, string>) : {};
  } catch {
    return {};
  }
}
