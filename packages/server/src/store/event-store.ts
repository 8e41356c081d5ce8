import type { CanonicalEvent } from '@tidemark/core';
import type { SideRow, SideTableName } from './side-tables';
import type { ImportedAggregate } from './imported';

/**
 * Events already encoded as text lines by `encodeEvents` (store/index.ts), e.g. in a collector thread,
 * so that only strings cross to the writing thread. `ids[i]` is the lower-case event id of `lines[i]`.
 * Only a store whose `capabilities.encodedWrites` is true accepts them.
 */
export interface EncodedEvents {
  ids: string[];
  lines: string[];
}

/** A request as received, kept for the raw layer (retention-limited) before any parsing. */
export interface RawPayloadRecord {
  id: string; // uuid
  site_id: string; // '' when the site could not be resolved
  received_at: number; // ms
  contract: string; // e.g. 'insighthub.collect', 'metricpal.v1.collect'
  body: string;
  /** Set when `body` is only a prefix (a request nothing of which was stored): the body's size in bytes as received. */
  original_bytes?: number;
}

/** An event that failed validation, kept with why, so nothing is silently lost. */
export interface QuarantineRecord {
  id: string;
  site_id: string;
  received_at: number;
  contract: string;
  reason: string; // typed drop reason code
  errors: string; // JSON text of validation issues
  payload: string; // the offending event as JSON text
  /** Set (> 0) when `payload` is only a prefix: the event's size in bytes as JSON text. Reads return 0 for a whole payload. */
  original_bytes?: number;
}

/** Intentional drops (bots, DNT, excluded paths …) are only counted, per site, UTC day and reason. */
export interface DropCount {
  site_id: string;
  day: string; // YYYY-MM-DD (UTC)
  reason: string;
  count: number;
}

/** Everything one group commit writes; durable when `write` resolves. */
export interface WriteBatch {
  /** Only the canonical columns are read, so pipeline objects carrying extra fields may be passed as they are. */
  events: CanonicalEvent[];
  /**
   * More events, already encoded by a collector thread; only a store with `capabilities.encodedWrites`
   * accepts them. An id repeated across the two is deduplicated like any other.
   */
  encoded?: EncodedEvents;
  raw: RawPayloadRecord[];
  quarantine: QuarantineRecord[];
  drops: DropCount[];
}

export interface WriteResult {
  /** Events stored by this write: the batch minus repeated event_ids and ids stored before. */
  inserted: number;
  /**
   * event_ids of the batch that were already stored before this write (lower case). Lets a caller that
   * merged several batches into one write tell each of them what it added. Engines that cannot tell
   * cheaply return [] and count every event as inserted.
   */
  existingIds: string[];
}

export interface QuarantineQuery {
  /** At most this many rows, newest first (default 100, capped at 1000). */
  limit?: number;
  /** Only rows received strictly before this time (ms): pass the last row's received_at to page on. */
  before?: number;
  /** With `before`: also rows received exactly at `before` whose id sorts below this one (pass the last row's id). */
  beforeId?: string;
}

export type SqlDialectName = 'duckdb' | 'clickhouse';

/** What an engine can do beyond the common interface; callers ask here instead of testing its class. */
export interface StoreCapabilities {
  /** `write` accepts `WriteBatch.encoded` (events packed by `encodeEvents` off the writing thread). */
  readonly encodedWrites: boolean;
  /** `openJobConnection` exists: derived tables (the stats rollups) can be kept inside the store. */
  readonly rollups: boolean;
}

/** One data subject of a site: a visitor id, or a user id (after identify) — DESIGN §8. */
export type SubjectRef = { visitorId: string; userId?: undefined } | { userId: string; visitorId?: undefined };

/** A subject's records in the raw layer and the quarantine (EventStore.exportRawMatching). */
export interface RawMatches {
  raw_payloads: Array<{ id: string; received_at: number; contract: string; body: string }>;
  quarantine: Array<{ id: string; received_at: number; contract: string; reason: string; payload: string }>;
}

/** Rows (or raw lines) a purge removed, per kind of data: events, quarantine, drops, raw, rollups … */
export type PurgeCounts = Record<string, number>;

/**
 * The data lifecycle duties every store answers (DESIGN §8), proven by test/lifecycle-suite.ts:
 * retention, deletion of a site, and one data subject's export and erasure. Every purge is idempotent,
 * and derived data (rollups) stays consistent with the events that remain.
 */
export interface LifecycleStore {
  /**
   * Deletes the site's events with `ts` before `cutoffMs`, its quarantined events and raw payloads
   * received before it, and its drop counts of UTC days before it. `cutoffMs` must be a whole UTC hour.
   */
  purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts>;
  /** Deletes everything the store holds for the site. */
  purgeSite(siteId: string): Promise<PurgeCounts>;
  /**
   * The subject's events on the site, oldest first (canonical columns; props as JSON text). A user id
   * also finds the events of every visitor id seen with it (the same person's anonymous events).
   */
  exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>>;
  /**
   * Deletes the events `exportSubject` returns. Side tables (store/side-tables.ts) keep their rows, with
   * every column naming the person blanked (amounts stay for the books).
   */
  eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts>;
}

/**
 * A connection of its own for a background job that keeps derived tables up to date (the stats
 * rollups, stats/rollups/): statements with positional `?` params, one transaction at a time.
 */
export interface JobConnection {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; the number of rows it changed. */
  change(sql: string, params?: unknown[]): Promise<number>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Statements for tables derived from `events` inside the store by a background job (the Data Vault,
 * vault/), on every engine: SQL in the store's dialect with positional `?` params. ClickHouse has no
 * transactions and no UPDATE: a derived layer there is written insert-only (see vault/).
 */
export interface DerivedTables {
  readonly dialect: SqlDialectName;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A statement without rows (INSERT … SELECT, UPDATE on DuckDB). */
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Appends rows (objects keyed by the given columns; numbers, strings, booleans or null). */
  insert(table: string, columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  /** Deletes the rows matching `where`; resolves once they are gone (ClickHouse: the mutation finished). Rows deleted. */
  delete(table: string, where: string, params?: unknown[]): Promise<number>;
  /** Runs `fn` with no purge of the store running meanwhile (a load never writes back rows of events a purge removed). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * One interface, several engines (DuckDB embedded, ClickHouse at scale), one contract suite run on each
 * (test/event-store-suite.ts). `query` runs SQL compiled by the stats engine for this engine's dialect,
 * values bound as params. What only some engines do is asked through `capabilities`, never by class.
 */
export interface EventStore extends LifecycleStore {
  readonly dialect: SqlDialectName;
  readonly capabilities: StoreCapabilities;
  /** Creates or migrates the schema; idempotent. */
  init(): Promise<void>;
  /**
   * Writes the batch in one transaction, durably (on disk) when the promise resolves; on rejection
   * nothing of the batch was written. Events whose event_id is already stored, or repeated within the
   * batch, are skipped (the first occurrence wins). Drop counts are added to the stored counts.
   */
  write(batch: WriteBatch): Promise<WriteResult>;
  /**
   * Writes rows of a side table (store/side-tables.ts), durably when it resolves; a row whose key is
   * already stored replaces it (reads see one row per key on both engines).
   */
  upsertSideRows(table: SideTableName, rows: SideRow[]): Promise<void>;
  /**
   * Writes the rows `select` yields (every column of the side table but site_id, by name) for the site, in
   * the engine: nothing crosses to the server. The rows the site held with the table's time in [fromMs, toMs)
   * go first on DuckDB; ClickHouse's replacing engine only replaces rows with the same key, so a caller
   * that rebuilds a span keys its rows by what they count (the same cell yields the same key).
   */
  rebuildSideRows(
    table: SideTableName,
    siteId: string,
    span: { fromMs: number; toMs: number },
    select: { sql: string; params: unknown[] },
  ): Promise<void>;
  /** The subject's rows in each side table (before erasure: the ones it would unlink; DESIGN §8 export). */
  exportSubjectSideRows(siteId: string, subject: SubjectRef): Promise<Record<string, Array<Record<string, unknown>>>>;
  /**
   * The site's raw payloads and quarantined events whose body names any of `needles` (a subject's user
   * ids and e-mail, compared without case): raw bodies carry what the client sent, never the visitor id
   * the collector derives, so a data subject is found there by what it was identified with.
   */
  exportRawMatching(siteId: string, needles: readonly string[]): Promise<RawMatches>;
  /** Deletes what `exportRawMatching` returns (raw files rewritten, mutations awaited); counts per kind. */
  eraseRawMatching(siteId: string, needles: readonly string[]): Promise<PurgeCounts>;
  /**
   * Stores in a local file (DuckDB): after an erasure, leaves no deleted row's bytes in the file — every
   * table rewritten, freed blocks overwritten (docs/privacy.md). Absent where the engine drops replaced
   * data itself (ClickHouse parts).
   */
  scrubFreedSpace?(): Promise<{ tables: number; rows: number; overwrittenBlocks: number; totalBlocks: number }>;
  /** Read-only SQL with positional `?` params; BIGINT/HUGEINT come back as numbers, TIMESTAMP as Date. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Quarantined events of one site, newest first. */
  listQuarantine(siteId: string, opts?: QuarantineQuery): Promise<QuarantineRecord[]>;
  /** How many events of one site are quarantined with a receipt time at or after `sinceMs`. */
  countQuarantine(siteId: string, sinceMs: number): Promise<number>;
  /** Drop counts of one site for UTC days fromDay..toDay (YYYY-MM-DD, inclusive), by day then reason. */
  dropCounts(siteId: string, fromDay: string, toDay: string): Promise<DropCount[]>;
  /** Deletes raw payloads and quarantined events received before `olderThanMs`; returns rows deleted. */
  purgeRaw(olderThanMs: number): Promise<number>;
  /** With `capabilities.rollups`: a new connection for a rollup job (closed by the job, before the store). */
  openJobConnection?(): Promise<JobConnection>;
  /**
   * With `capabilities.rollups`: runs `fn` with no purge running (nor another such job), so a rollup
   * job never writes back fragments of events a purge deleted meanwhile.
   */
  maintenance?<T>(fn: () => Promise<T>): Promise<T>;
  /** A connection for a job that keeps tables derived from events (the vault); closed by the job, before the store. */
  openDerivedTables(): Promise<DerivedTables>;
  /**
   * Replaces every imported aggregate of the import with `rows` (imports/): re-importing a file never
   * doubles it. Kept apart from events; purged by retention (by day) and with the site.
   */
  replaceImported(siteId: string, importId: string, rows: readonly ImportedAggregate[]): Promise<number>;
  /** Deletes an import: its aggregates, and the events it wrote (visitor ids under `importVisitorPrefix`). */
  deleteImport(siteId: string, importId: string): Promise<PurgeCounts>;
  close(): Promise<void>;
}
