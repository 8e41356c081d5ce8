import { EVENT_COLUMNS, TidemarkError, wellFormed, wellFormedJson, type CanonicalEvent } from '@tidemark/core';
import type { WriteBatch } from './event-store';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INT32_MAX = 2_147_483_647;
/** Timestamps both engines can hold (years 1900..2299) in ms. */
const MIN_TS = -2_208_988_800_000;
const MAX_TS = 10_413_792_000_000;

/** True for a lower-case UUID string. */
export function isLowerUuid(id: string): boolean {
  return UUID_RE.test(id);
}

/** UUIDv7 (RFC 9562): version nibble 7, variant 10xx. Its first 48 bits are a Unix time in ms. */
export function isUuidV7(id: string): boolean {
  return id.charCodeAt(14) === 55 /* '7' */ && '89ab'.includes(id[19]!);
}

/** The ms timestamp a UUIDv7 carries. */
export function uuidV7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

function invalid(message: string, field: string): TidemarkError {
  return new TidemarkError(400, 'invalid_event', message, { field });
}

/**
 * Checks the values a write would store and lower-cases event ids, so that one malformed event is refused
 * on its own before it is grouped with others (a failing group commit would otherwise hold up everyone
 * sharing it). Ingest validates client input first; this is the store's own guard. The text of raw
 * payloads, quarantined events and drop counts is made well-formed here (core text.ts: lone surrogates
 * become U+FFFD, in place); events' text where each engine encodes them (wellFormedEvent).
 */
export function checkBatch(batch: WriteBatch): void {
  if (
    !batch ||
    !Array.isArray(batch.events) ||
    !Array.isArray(batch.raw) ||
    !Array.isArray(batch.quarantine) ||
    !Array.isArray(batch.drops)
  ) {
    throw new TidemarkError(400, 'invalid_batch', 'A write batch needs events, raw, quarantine and drops arrays');
  }
  for (const e of batch.events) checkEvent(e);
  if (batch.encoded !== undefined) checkEncoded(batch.encoded);
  for (const r of batch.raw) {
    checkStrings(r, ['id', 'site_id', 'contract', 'body'], 'raw');
    r.site_id = wellFormed(r.site_id);
    r.contract = wellFormed(r.contract);
    r.body = wellFormedJson(r.body);
    if (!UUID_RE.test(r.id)) throw invalid('raw.id must be a lower-case UUID', 'raw.id');
    checkTs(r.received_at, 'raw.received_at');
    checkOriginalBytes(r.original_bytes, 'raw.original_bytes');
  }
  for (const q of batch.quarantine) {
    checkStrings(q, ['id', 'site_id', 'contract', 'reason', 'errors', 'payload'], 'quarantine');
    q.site_id = wellFormed(q.site_id);
    q.contract = wellFormed(q.contract);
    q.reason = wellFormed(q.reason);
    q.errors = wellFormedJson(q.errors);
    q.payload = wellFormedJson(q.payload);
    checkTs(q.received_at, 'quarantine.received_at');
    checkOriginalBytes(q.original_bytes, 'quarantine.original_bytes');
  }
  for (const d of batch.drops) {
    checkStrings(d, ['site_id', 'reason'], 'drops');
    d.site_id = wellFormed(d.site_id);
    d.reason = wellFormed(d.reason);
    if (typeof d.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d.day)) throw invalid('drop day must be YYYY-MM-DD', 'drops.day');
    if (!Number.isSafeInteger(d.count) || d.count < 0) throw invalid('drop count must be a non-negative integer', 'drops.count');
  }
}

/**
 * Encoded events come from our own collector thread, which checked each event (checkBatch) before it
 * encoded it; here only their shape is checked.
 */
function checkEncoded(encoded: NonNullable<WriteBatch['encoded']>): void {
  const ok =
    encoded !== null &&
    typeof encoded === 'object' &&
    Array.isArray(encoded.ids) &&
    Array.isArray(encoded.lines) &&
    encoded.ids.length === encoded.lines.length;
  if (!ok) throw new TidemarkError(400, 'invalid_batch', 'Encoded events need ids and lines of the same length');
  for (let i = 0; i < encoded.ids.length; i++) {
    const id = encoded.ids[i];
    if (typeof id !== 'string' || !UUID_RE.test(id)) throw invalid('encoded event ids must be lower-case UUIDs', 'encoded.ids');
    if (typeof encoded.lines[i] !== 'string') throw invalid('encoded lines must be strings', 'encoded.lines');
  }
}

/** Every event id of a batch (objects first, then encoded), repeats included. */
export function batchEventIds(batch: WriteBatch): string[] {
  const ids = batch.events.map((e) => e.event_id);
  if (batch.encoded) for (const id of batch.encoded.ids) ids.push(id);
  return ids;
}

/** Refuses encoded events in a store that cannot read them (only the embedded store does). */
export function assertNotEncoded(batch: WriteBatch): void {
  if (batch.encoded?.ids.length) throw new TidemarkError(400, 'invalid_batch', 'Encoded events are written by the embedded store only');
}

function checkStrings(obj: object, keys: string[], where: string): void {
  const rec = obj as Record<string, unknown>;
  for (const k of keys) if (typeof rec[k] !== 'string') throw invalid(`${where}.${k} must be a string`, `${where}.${k}`);
}

function checkOriginalBytes(v: unknown, field: string): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < 0)) throw invalid(`${field} must be a non-negative integer`, field);
}

function checkTs(v: unknown, field: string): void {
  if (!isTs(v)) throw invalid(`${field} must be a time in ms`, field);
}

/**
 * True when every canonical column holds a value of its kind. Generated once from EVENT_COLUMNS (named
 * property loads, no per-column switch): the fast path of checkEvent, which finds the message only for
 * an event that fails it.
 */
const columnsValid = new Function(
  'isTs',
  `return (e) => ${EVENT_COLUMNS.map((c) => {
    const v = `e[${JSON.stringify(c.name)}]`;
    switch (c.kind) {
      case 'uuid':
        return 'true';
      case 'string':
        return `typeof ${v} === 'string'`;
      case 'timestamp_ms':
        return `isTs(${v})`;
      case 'int':
        return `(${c.nullable ? `${v} === null || ` : ''}(typeof ${v} === 'number' && Number.isInteger(${v}) && Math.abs(${v}) <= ${INT32_MAX}))`;
      case 'float':
        return `(${c.nullable ? `${v} === null || ` : ''}(typeof ${v} === 'number' && Number.isFinite(${v})))`;
      case 'json':
        return `(typeof ${v} === 'object' && ${v} !== null && !Array.isArray(${v}))`;
      default:
        throw new Error(`no check for column kind ${(c as { kind: string }).kind}`);
    }
  }).join(' && ')};`,
)(isTs) as (e: CanonicalEvent) => boolean;

const STRING_COLUMNS = EVENT_COLUMNS.filter((c) => c.kind === 'string').map((c) => c.name);

/**
 * Replaces lone surrogates in an event's strings and property keys and values by U+FFFD, in place, so
 * that no engine stores text it cannot read back (a lone surrogate escape in `props` JSON fails
 * DuckDB's JSON functions). Engines apply it where they encode events, only to events that need it:
 * checking every column of every event here cost ≈0.5 µs per event.
 */
export function wellFormedEvent(e: CanonicalEvent): void {
  const rec = e as unknown as Record<string, unknown>;
  for (const n of STRING_COLUMNS) if (typeof rec[n] === 'string') rec[n] = wellFormed(rec[n] as string);
  let clean = true;
  for (const k in e.props) {
    const v = e.props[k] as unknown;
    if (!k.isWellFormed() || (typeof v === 'string' && !v.isWellFormed())) clean = false;
  }
  // fromEntries defines own properties: a key can never reach the prototype.
  if (!clean)
    e.props = Object.fromEntries(Object.entries(e.props).map(([k, v]) => [wellFormed(k), typeof v === 'string' ? wellFormed(v) : v]));
}

function isTs(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_TS && v <= MAX_TS;
}

function checkEvent(e: CanonicalEvent): void {
  if (typeof e.event_id !== 'string') throw invalid('event_id must be a UUID', 'event_id');
  e.event_id = e.event_id.toLowerCase();
  if (!UUID_RE.test(e.event_id)) throw invalid('event_id must be a UUID', 'event_id');
  if (!columnsValid(e)) columnError(e);
  if (!e.site_id) throw invalid('site_id is required', 'site_id');
  if (!e.name) throw invalid('name is required', 'name');
}

/** Throws the error of the first column whose value is not of its kind. */
function columnError(e: CanonicalEvent): void {
  const rec = e as unknown as Record<string, unknown>;
  for (const c of EVENT_COLUMNS) {
    const v = rec[c.name];
    switch (c.kind) {
      case 'uuid':
        break;
      case 'string':
        if (typeof v !== 'string') throw invalid(`${c.name} must be a string`, c.name);
        break;
      case 'timestamp_ms':
        checkTs(v, c.name);
        break;
      case 'int':
        if (v === null && c.nullable) break;
        if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > INT32_MAX)
          throw invalid(`${c.name} must be a 32-bit integer or null`, c.name);
        break;
      case 'float':
        if (v === null && c.nullable) break;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${c.name} must be a finite number or null`, c.name);
        break;
      case 'json':
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${c.name} must be an object`, c.name);
        break;
    }
  }
}

const checked = new WeakSet<WriteBatch>();

/** Records that `batch` (or every batch it was merged from) passed checkBatch, so the store need not check it again. */
export function markChecked(batch: WriteBatch): void {
  checked.add(batch);
}

/** checkBatch, skipped for batches the writer already checked at submit time (≈7% of a commit's CPU). */
export function checkBatchOnce(batch: WriteBatch): void {
  if (!checked.has(batch)) checkBatch(batch);
}

/** The batch's events with repeated event_ids removed, first occurrence kept. */
export function uniqueEvents(events: CanonicalEvent[]): CanonicalEvent[] {
  const seen = new Set<string>();
  const out: CanonicalEvent[] = [];
  for (const e of events) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    out.push(e);
  }
  return out;
}
