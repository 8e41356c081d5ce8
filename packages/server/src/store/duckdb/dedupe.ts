import { isUuidV7, uuidV7Time } from '../event-rows';
import type { DuckDbClient } from './client';

/**
 * Dedupe on event_id that stays fast as the table grows.
 *
 * Measured on a 10M-row events file (2 shared cores, 2,000-id groups):
 * - an anti/semi-join of the group's ids against all stored ids: 0.5–2 s per group (full scan + hash);
 * - a PRIMARY KEY (ART index) with INSERT OR IGNORE: 0.7–1.1 s per group, +320 MB on disk and ~1 GB RSS
 *   to build the index, so neither can sit on the commit path;
 * - the same semi-join restricted to `event_id BETWEEN lo AND hi`: 5–45 ms, because UUIDv7 ids begin with
 *   their creation time, rows are appended roughly in that order, and DuckDB skips every row group whose
 *   min/max (zone map) misses the range.
 * So the check is range-restricted, and it is asked only about ids the in-memory filter (id-filter.ts)
 * cannot rule out: for a group of new ids, none, and no query runs.
 *
 * Where the v7 ids are probed. Ids that are not UUIDv7 (a client's own v4 ids) have random leading bits;
 * one of them widens a row group's min/max to nearly everything. They always go to their own key table,
 * `event_keys_other`, probed in full (its cost grows with the number of such ids only). The v7 ids:
 * - while no other id has been stored ("unkeyed", the usual case: the tracker and the server make v7
 *   ids), `events` itself has narrow zone maps, and the v7 ids are probed there. Writing them to a key
 *   table as well cost 9–17% of ingest throughput (bench/README.md).
 * - from the first other id on, `events` row groups holding one are wide, so every v7 id is written to
 *   `event_keys` too. The switch (`keyV7Since`) runs with no write open: it copies into `event_keys` the
 *   ids of events received since a moment B a little earlier, and records B in `dedupe_state`. The probe
 *   is then `event_keys`, plus `events` rows received before B: every event committed before the switch
 *   is in one of the two, and every event after it is in `event_keys`, whatever its received_at. The
 *   events part stays cheap because row groups are in arrival order, and those received before B were
 *   written before the first other id.
 * A group's v7 ids are split into time clusters (live traffic, a skewed client clock, a backfill) so a
 * month-old retry does not widen today's range to a month; with more than MAX_RANGES clusters the
 * ranges are merged into one: slower, still correct.
 * Keys are not deleted with events (retention); an event purged while unkeyed takes its id with it, so
 * a copy sent again after its retention is stored again.
 */
const CLUSTER_GAP_MS = 10 * 60_000;
const MAX_RANGES = 16;

interface IdRange {
  lo: string;
  hi: string;
  ids: string[];
}

/** Sorted v7 ids grouped into ranges whose neighbours are at most CLUSTER_GAP_MS apart. */
export function v7Ranges(sortedV7: string[]): IdRange[] {
  const ranges: IdRange[] = [];
  let current: IdRange | null = null;
  let lastMs = 0;
  for (const id of sortedV7) {
    const ms = uuidV7Time(id);
    if (current && ms - lastMs <= CLUSTER_GAP_MS) {
      current.hi = id;
      current.ids.push(id);
    } else {
      current = { lo: id, hi: id, ids: [id] };
      ranges.push(current);
    }
    lastMs = ms;
  }
  if (ranges.length <= MAX_RANGES) return ranges;
  return [{ lo: sortedV7[0]!, hi: sortedV7[sortedV7.length - 1]!, ids: sortedV7 }];
}

export interface SplitIds {
  v7: string[]; // sorted
  other: string[]; // sorted
}

export function splitIds(ids: string[]): SplitIds {
  const v7: string[] = [];
  const other: string[] = [];
  for (const id of ids) (isUuidV7(id) ? v7 : other).push(id);
  // Lower-case hex UUID strings sort like DuckDB's UUID values.
  v7.sort();
  other.sort();
  return { v7, other };
}

/**
 * Where UUIDv7 ids are: in `events` alone (`keysSince` null, unkeyed), or in `event_keys` and, for events
 * received before `keysSince` (ms), in `events`. A file keyed since the epoch probes `event_keys` only.
 */
export type KeysSince = number | null;

/**
 * The `events` rows whose v7 ids are probed there rather than in `event_keys`, as a WHERE condition:
 * all of them while unkeyed, those received before `keysSince` once keyed, none when keyed since the epoch.
 */
function unkeyedEvents(keysSince: KeysSince): string | null {
  if (keysSince === null) return 'true';
  return keysSince > 0 ? `received_at < epoch_ms(${Math.trunc(keysSince)})` : null;
}

/**
 * Every stored id the dedupe probe may find (one `event_id` column; an id may appear twice). With
 * `v7Bound` (a UUID, id-filter.ts's v7LowerBound), the v7 ids below it are left out: the tables that hold
 * v7 ids only are read from it on (their zone maps skip the older row groups), `event_keys_other` in full.
 */
export function storedIdsSql(keysSince: KeysSince, v7Bound?: string): string {
  const events = unkeyedEvents(keysSince);
  const from = v7Bound ? `event_id >= CAST('${v7Bound.replace(/[^0-9a-f-]/g, '')}' AS UUID)` : 'true';
  const selects = [`SELECT event_id FROM event_keys WHERE ${from}`, 'SELECT event_id FROM event_keys_other'];
  if (events) selects.push(`SELECT event_id FROM events WHERE ${events} AND ${from}`);
  return selects.join(' UNION ALL ');
}

/** The ids among `split` that are already stored. Runs inside the writer's transaction. */
export async function findExisting(db: DuckDbClient, split: SplitIds, keysSince: KeysSince): Promise<Set<string>> {
  const parts: string[] = [];
  const params: unknown[] = [];
  const inRange = `event_id BETWEEN CAST(? AS UUID) AND CAST(? AS UUID) AND event_id IN (SELECT CAST(unnest(string_split(?, ',')) AS UUID))`;
  const events = unkeyedEvents(keysSince);
  // Each table the v7 ids may be in, with the condition its probed rows meet.
  const sources: Array<[string, string]> = [];
  if (keysSince !== null) sources.push(['event_keys', 'true']);
  if (events) sources.push(['events', events]);
  for (const r of v7Ranges(split.v7)) {
    for (const [table, where] of sources) {
      parts.push(`SELECT CAST(event_id AS VARCHAR) AS id FROM ${table} WHERE ${where} AND ${inRange}`);
      params.push(r.lo, r.hi, r.ids.join(','));
    }
  }
  if (split.other.length) {
    parts.push(
      `SELECT CAST(event_id AS VARCHAR) AS id FROM event_keys_other WHERE event_id IN (SELECT CAST(unnest(string_split(?, ',')) AS UUID))`,
    );
    params.push(split.other.join(','));
  }
  if (!parts.length) return new Set();
  const rows = await db.all<{ id: string }>(parts.join(' UNION ALL '), params);
  return new Set(rows.map((r) => r.id));
}

/** Where the dedupe keys stand: null while unkeyed, else keys_since in ms. */
export async function readKeysSince(db: DuckDbClient): Promise<KeysSince> {
  const [row] = await db.all<{ ms: number | bigint }>('SELECT epoch_ms(keys_since) AS ms FROM dedupe_state WHERE id = 1');
  return row ? Number(row.ms) : null;
}

/**
 * Starts keying v7 ids (see above): copies the ids of events received since `since` into `event_keys`
 * and records `since`, in one transaction. The caller holds every write lane.
 */
export async function keyV7Since(db: DuckDbClient, since: number): Promise<void> {
  const at = [Math.trunc(since)];
  await db.transaction(async () => {
    await db.run(
      'INSERT INTO event_keys SELECT event_id FROM events WHERE received_at >= epoch_ms(CAST(? AS BIGINT)) ORDER BY event_id',
      at,
    );
    await db.run('INSERT INTO dedupe_state VALUES (1, epoch_ms(CAST(? AS BIGINT)))', at);
  });
}
