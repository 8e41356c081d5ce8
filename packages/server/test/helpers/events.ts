import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyEvent, EVENT_COLUMNS, type CanonicalEvent } from '@tidemark/core';
import type { EncodedEvents, WriteBatch } from '../../src/store/event-store';
import { encodeEvents } from '../../src/store/duckdb/event-pack';

/** A UUIDv7 for the given time (random tail), as the tracker and ingest create them. */
export function uuidv7(ms = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random UUIDv4, as a client may choose its own ids. */
export function uuidv4(): string {
  const b = randomBytes(16);
  b[6] = 0x40 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function makeEvent(over: Partial<CanonicalEvent> = {}): CanonicalEvent {
  const ts = over.ts ?? Date.now();
  const e = emptyEvent({ event_id: over.event_id ?? uuidv7(ts), site_id: 'site-a', ts, received_at: ts, name: 'page_view' });
  Object.assign(e, { path: '/pricing', host: 'example.com', url: 'https://example.com/pricing', browser: 'Firefox', screen_w: 1280 }, over);
  return e;
}

export function batchOf(events: CanonicalEvent[], extra: Partial<WriteBatch> = {}): WriteBatch {
  return { events, raw: [], quarantine: [], drops: [], ...extra };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tidemark-${prefix}-`));
}

/**
 * Events encoded for the embedded store with `props` as the given JSON text, as releases before text was
 * made well-formed wrote them (e.g. a lone surrogate escape): for tests of reading and repairing such rows.
 */
export function encodeWithPropsText(rows: Array<{ event: CanonicalEvent; props: string }>): EncodedEvents {
  const at = EVENT_COLUMNS.findIndex((c) => c.name === 'props');
  const { encoded } = encodeEvents(rows.map((r) => ({ ...r.event, props: {} })));
  encoded.lines = encoded.lines.map((line, i) => {
    const fields = line.split('\x1f');
    fields[at] = rows[i]!.props;
    return fields.join('\x1f');
  });
  return encoded;
}
