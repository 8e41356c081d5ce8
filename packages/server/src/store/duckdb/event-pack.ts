import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { EVENT_COLUMNS, type CanonicalEvent } from '@tidemark/core';
import type { EncodedEvents } from '../event-store';
import { wellFormedEvent } from '../event-rows';

/**
 * Getting events into DuckDB fast. The Appender costs one native call per value (43 per event): about
 * 20 µs per event measured here, more than the whole rest of the commit. Instead each event becomes one
 * line of unit-separated fields (\x1f), the lines are joined with record separators (\x1e), and the whole
 * group crosses into DuckDB as ONE bound VARCHAR that `string_split` takes apart inside the engine
 * (≈5 µs per event here, most of it building the string). Values are never spliced into SQL text.
 * The few events whose text contains a separator character go through the Appender instead.
 */
const FIELD = '\x1f';
const RECORD = '\x1e';

function fieldExpr(kind: (typeof EVENT_COLUMNS)[number]['kind'], i: number): string {
  const f = `f[${i + 1}]`;
  switch (kind) {
    case 'uuid':
      return `CAST(${f} AS UUID)`;
    case 'timestamp_ms':
      return `epoch_ms(CAST(${f} AS BIGINT))`;
    case 'int':
      return `CAST(NULLIF(${f}, '') AS INTEGER)`;
    case 'float':
      return `CAST(NULLIF(${f}, '') AS DOUBLE)`;
    default:
      return f;
  }
}

/** One `?`: the packed lines. Column order is EVENT_COLUMNS, which is the events table's order. */
export const INSERT_PACKED_EVENTS_SQL =
  `INSERT INTO events (${EVENT_COLUMNS.map((c) => c.name).join(', ')}) ` +
  `SELECT ${EVENT_COLUMNS.map((c, i) => fieldExpr(c.kind, i)).join(', ')} ` +
  `FROM (SELECT string_split(line, chr(31)) AS f FROM (SELECT unnest(string_split(?, chr(30))) AS line))`;

export interface PackedEvents {
  packed: string;
  count: number;
  /** Events that cannot be packed (a separator inside a text value). */
  leftovers: CanonicalEvent[];
}

/**
 * Lines packed ahead of the commit (`prepackEvents`, called as batches are submitted) so that the work
 * happens while the previous group commits, not inside the writer's transaction. Keyed by the event
 * object, which the group-commit writer passes on unchanged; null marks an event that cannot be packed.
 */
const prepacked = new WeakMap<CanonicalEvent, string | null>();

export function prepackEvents(events: readonly CanonicalEvent[]): void {
  for (const e of events) prepacked.set(e, packLine(e));
}

/** Encodes what can be encoded; events holding a separator character are returned as they are. */
export function encodeEvents(events: readonly CanonicalEvent[]): { encoded: EncodedEvents; leftovers: CanonicalEvent[] } {
  const encoded: EncodedEvents = { ids: [], lines: [] };
  const leftovers: CanonicalEvent[] = [];
  for (const e of events) {
    const line = packLine(e);
    if (line === null) leftovers.push(e);
    else {
      encoded.ids.push(e.event_id);
      encoded.lines.push(line);
    }
  }
  return { encoded, leftovers };
}

/** A write's rows: each event's id, its line (null: append the object) and, for objects, the event. */
export interface EventRows {
  ids: string[];
  lines: Array<string | null>;
  objects: Array<CanonicalEvent | null>;
}

/** The rows of a batch's event objects and encoded lines, repeated ids dropped (first occurrence kept). */
export function eventRows(events: readonly CanonicalEvent[], encoded: EncodedEvents | undefined): EventRows {
  const rows: EventRows = { ids: [], lines: [], objects: [] };
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    const early = prepacked.get(e);
    rows.ids.push(e.event_id);
    rows.lines.push(early === undefined ? packLine(e) : early);
    rows.objects.push(e);
  }
  if (encoded) {
    for (let i = 0; i < encoded.ids.length; i++) {
      const id = encoded.ids[i]!;
      if (seen.has(id)) continue;
      seen.add(id);
      rows.ids.push(id);
      rows.lines.push(encoded.lines[i]!);
      rows.objects.push(null);
    }
  }
  return rows;
}

/** The packed lines of the rows not in `skip`, and the event objects that must be appended instead. */
export function packRows(rows: EventRows, skip: ReadonlySet<string>): PackedEvents {
  const lines: string[] = [];
  const leftovers: CanonicalEvent[] = [];
  for (let i = 0; i < rows.ids.length; i++) {
    if (skip.size && skip.has(rows.ids[i]!)) continue;
    const line = rows.lines[i];
    if (line === null || line === undefined) leftovers.push(rows.objects[i]!);
    else lines.push(line);
  }
  return { packed: lines.join(RECORD), count: lines.length, leftovers };
}

/**
 * The values of one event as strings, in column order: '' for null, JSON for `props`, String() for
 * numbers (integers and finite doubles round-trip exactly). Generated once from EVENT_COLUMNS so every
 * property read is a named load the engine can cache, not a lookup by a key held in a variable: 2.8
 * instead of 3.6–4.0 µs per event, measured on generated traffic.
 */
const fieldsOf = new Function(
  'json',
  `return (e) => [${EVENT_COLUMNS.map((c) => {
    const v = `e[${JSON.stringify(c.name)}]`;
    if (c.kind === 'json') return `json(${v})`;
    if (c.kind === 'string' || c.kind === 'uuid') return v;
    return c.nullable ? `(${v} === null ? '' : '' + ${v})` : `'' + ${v}`;
  }).join(', ')}];`,
)(JSON.stringify) as (e: CanonicalEvent) => string[];

const SEPARATORS_PER_LINE = EVENT_COLUMNS.length - 1;

/**
 * One event's line, or null when a value holds a separator. The values are joined once (building the
 * line with `+=` made a rope per field that the final join then had to flatten); a line is clean when it
 * holds exactly one field separator per column boundary and no record separator, which counting finds
 * faster than testing the values (2.3 instead of 2.8 µs per event). JSON.stringify escapes control
 * characters, so JSON never holds a separator.
 */
function packLine(e: CanonicalEvent): string | null {
  let line = fieldsOf(e).join(FIELD);
  // A lone surrogate in a text column reaches DuckDB as U+FFFD (the binding's UTF-8 encoding writes it
  // so); in props, JSON.stringify writes it as a \udXXX escape that DuckDB's JSON reader refuses. Only
  // then (a cheap search; scanning every line for surrogates cost ~0.5 µs) is the event made well-formed,
  // in place so the Appender path stores it so too, and packed again.
  if (line.includes('\\ud')) {
    wellFormedEvent(e);
    line = fieldsOf(e).join(FIELD);
  }
  let separators = 0;
  for (let i = line.indexOf(FIELD); i !== -1; i = line.indexOf(FIELD, i + 1)) separators++;
  return separators === SEPARATORS_PER_LINE && line.indexOf(RECORD) === -1 ? line : null;
}

/** Appends one event row with typed values (the slow, exact path). */
export function appendEvent(appender: DuckDBAppender, e: CanonicalEvent): void {
  const rec = e as unknown as Record<string, unknown>;
  for (const c of EVENT_COLUMNS) {
    const v = rec[c.name];
    if (v === null) {
      appender.appendNull();
      continue;
    }
    switch (c.kind) {
      case 'uuid':
      case 'string':
        appender.appendVarchar(v as string);
        break;
      case 'json':
        appender.appendVarchar(JSON.stringify(v));
        break;
      case 'timestamp_ms':
        appender.appendTimestamp(msToTimestamp(v as number));
        break;
      case 'int':
        appender.appendInteger(v as number);
        break;
      case 'float':
        appender.appendDouble(v as number);
        break;
    }
  }
  appender.endRow();
}

export function msToTimestamp(ms: number): DuckDBTimestampValue {
  return new DuckDBTimestampValue(BigInt(ms) * 1000n);
}
