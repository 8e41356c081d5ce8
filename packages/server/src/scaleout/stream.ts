import type { WriteBatch } from '../store';

/**
 * The Redis stream between collectors and writers. One entry per collected request (or drop count),
 * field `b` holding the WriteBatch as JSON. Collectors XADD and answer the client only after Redis
 * accepted the entry; workers in consumer group `writers` read, write to the event store, and only
 * then XACK + XDEL. An entry whose worker dies stays pending and is claimed by another after it has
 * been idle for `minIdleMs`.
 */
export const DEFAULT_STREAM = 'tidemark:events';
export const DEFAULT_GROUP = 'writers';
export const BATCH_FIELD = 'b';

/** Entries a worker could not write because the batch itself is invalid (never because a service was down). */
export const deadLetterKey = (stream: string) => `${stream}:dead`;

export interface StreamEntry {
  id: string;
  batch: WriteBatch;
}

export function encodeBatch(batch: WriteBatch): string {
  return JSON.stringify({ events: batch.events, raw: batch.raw, quarantine: batch.quarantine, drops: batch.drops });
}

/** The batch of an entry's field list, or an error message when it is not one. */
export function decodeEntry(fields: string[]): WriteBatch | string {
  const i = fields.indexOf(BATCH_FIELD);
  if (i < 0 || i % 2 !== 0 || fields[i + 1] === undefined) return `entry has no "${BATCH_FIELD}" field`;
  try {
    const v = JSON.parse(fields[i + 1]!) as Partial<WriteBatch>;
    if (!v || !Array.isArray(v.events) || !Array.isArray(v.raw) || !Array.isArray(v.quarantine) || !Array.isArray(v.drops))
      return 'entry is not a write batch';
    return v as WriteBatch;
  } catch (err) {
    return `entry is not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
}
