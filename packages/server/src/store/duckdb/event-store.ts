import type { DuckDBAppender } from '@duckdb/node-api';
import type {
  DerivedTables,
  DropCount,
  EventStore,
  JobConnection,
  PurgeCounts,
  QuarantineQuery,
  QuarantineRecord,
  RawMatches,
  SubjectRef,
  WriteBatch,
  WriteResult,
} from '../event-store';
import { badRequest } from '@tidemark/core';
import { batchEventIds, checkBatchOnce, isLowerUuid, isUuidV7 } from '../event-rows';
import { DuckDbClient } from './client';
import { findExisting, keyV7Since, readKeysSince, splitIds, storedIdsSql, type KeysSince, type SplitIds } from './dedupe';
import { IdFilter, idWordsSql, v7LowerBound } from './id-filter';
import { appendEvent, eventRows, INSERT_PACKED_EVENTS_SQL, msToTimestamp, packRows, prepackEvents } from './event-pack';
import { migrate } from './schema';
import { duckDbDerivedTables } from './derived';
import { RawLog, rawPayloadsViewSql } from './raw-log';
import {
  addCounts,
  beforeScope,
  exportSql,
  importScope,
  purgeEvents,
  purgeSideTablesBefore,
  purgeSiteRows,
  sideExportSql,
  subjectScope,
  unlinkSubject,
} from './lifecycle';
import { normalizeSideRow, PERSONAL_SIDE_TABLES, SIDE_TABLES, type SideRow, type SideTableName } from '../side-tables';
import { checkImportedRows, importVisitorPrefix, type ImportedAggregate } from '../imported';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { scrubDatabase, type ScrubReport } from './scrub';

/**
 * Durability. A DuckDB COMMIT appends the transaction to the write-ahead log and then syncs it:
 * WriteAheadLog::Flush() writes a WAL_FLUSH marker and calls Sync() on the log file (fsync; DuckDB's
 * PRs #23217/#25784 are about using fdatasync instead and about an opt-out setting, which stays on by
 * default). Checkpoints fsync the database file before the WAL is truncated (PR #15306). So once
 * `COMMIT` returns, the group survives a process kill and, given honest disks, a power cut; a file
 * reopened after a crash replays the WAL. Checked with strace on this build (1.5.x): each write()
 * commit is one write() of the WAL record followed by fsync() of events.duckdb.wal, before COMMIT returns. Checkpoints run automatically when the WAL passes
 * `checkpoint_threshold`; we raise it from 16 MB to 64 MB so they interrupt the hot path less (commit
 * CPU measured at 7.2 / 4.2 / 3.9 µs per event for 16 / 64 / 256 MB) while replay stays short (a 55 MB
 * WAL, 240k events, replayed in ~1 s), and checkpoint on close so a clean restart replays nothing.
 */
/**
 * Memory. DuckDB's default memory_limit is 80% of the machine's RAM, and it keeps the blocks it has read
 * cached up to that limit: on the 10M-event bench file the server idled at 519 MiB. The overview reads
 * the rollups, a few MiB, so a small pool serves it as fast (bench/README.md "Memory"); larger work (a
 * rollup rebuild, an export, a purge) spills to `<file>.tmp` beyond the limit. Not every operator spills:
 * at 128MB the rollup and purge statements ran out of memory on a small test file, so the default keeps
 * headroom above what they need. TIDEMARK_DUCKDB_MEMORY_LIMIT sets it.
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '512MB';

export const DEFAULT_DUCKDB_SETTINGS: Record<string, string> = {
  checkpoint_threshold: '64MB',
  memory_limit: DEFAULT_DUCKDB_MEMORY_LIMIT,
};

const READERS = 2;
/**
 * Write transactions that may be open at once (`writeLanes`). More than one lets the next group insert
 * while the previous one commits, which paid while the HTTP thread was the bottleneck and every await of
 * a commit waited behind it. With the pipeline in a collector thread the machine's CPU is the limit, and
 * one lane wins (+7% and +11% events/s, 8–14% less CPU per event in same-minute pairs): groups are twice
 * as large, and DuckDB's cost per row falls with group size. Appends from concurrent transactions do not
 * conflict in DuckDB; what could (the same event id in two open transactions, two upserts of one drop
 * counter) is kept apart below.
 */
const DEFAULT_WRITE_LANES = 1;

/**
 * When v7 ids start being keyed (dedupe.ts), the ids of events received this long before are copied into
 * `event_keys`; older ones stay probed in `events`. Any value is correct; a short one keeps the copy small.
 */
const KEY_BACKFILL_MS = 10 * 60_000;

/**
 * The id filter holds the v7 ids created this recently (id-filter.ts "Window"); an older id in a write is
 * probed in DuckDB, range-restricted. Client retries come within hours (the tracker's queue) or days
 * (a server-side sender catching up); a backfill of older events costs one range probe per group.
 */
const ID_FILTER_WINDOW_MS = 7 * 86_400_000;

export interface DuckDbEventStoreOptions {
  /** DuckDB settings at open time (merged over DEFAULT_DUCKDB_SETTINGS). */
  settings?: Record<string, string>;
  /** Write transactions that may be open at once (default 1). */
  writeLanes?: number;
}

interface WriteLane {
  db: DuckDbClient;
  /** Settles when the lane's queued work has run. */
  chain: Promise<unknown>;
  queued: number;
  /** Event ids of the transaction open on this lane, and that transaction. */
  ids: Set<string>;
  open: Promise<unknown> | null;
  /** Position in `lanes`; names the lane's raw files. */
  index: number;
}

function newLane(db: DuckDbClient, index: number): WriteLane {
  return { db, chain: Promise.resolve(), queued: 0, ids: new Set(), open: null, index };
}

/** The embedded event store: one DuckDB file, a couple of writer connections, a few reader connections. */
export class DuckDbEventStore implements EventStore {
  readonly dialect = 'duckdb' as const;
  /** Encoded events are packed in this store's own line format (event-pack.ts); the rollups live in its file. */
  readonly capabilities = { encodedWrites: true, rollups: true } as const;
  private lanes: WriteLane[];
  /** Serialises the drop-counter upserts of concurrent transactions (held from the upsert to the end). */
  private dropsChain: Promise<unknown> = Promise.resolve();
  /** Purges and the jobs that rewrite derived tables, one at a time (`maintenance`). */
  private maintenanceChain: Promise<unknown> = Promise.resolve();
  private readers: Array<{ db: DuckDbClient; chain: Promise<unknown>; busy: number }> = [];
  private closed = false;
  private closing = false;
  /** Where v7 ids are probed (dedupe.ts): null while no other id is stored. Changed with every lane held. */
  private keysSince: KeysSince = null;
  /** Ids known to be stored; trusted only once filled from the stored ids (`idsReady`). */
  private ids = new IdFilter();
  private idsReady = false;
  private idsLoading: Promise<void> = Promise.resolve();
  private idsStarted = false;
  /** The stored ids the filter is filled with (those of its window). */
  private idsSql = '';

  private constructor(
    private readonly writer: DuckDbClient,
    private readonly raw: RawLog,
    /** A temporary raw directory of an in-memory store, removed on close. */
    private readonly tempDir: string | null,
    private readonly writeLanes: number,
  ) {
    this.lanes = [newLane(writer, 0)];
  }

  /** Number of write transactions that may run at once (a writer in front may use as many). */
  get writeConcurrency(): number {
    return this.writeLanes;
  }

  /** Opens (creating if needed) the database file, or ':memory:'. Call `init()` before use. */
  static async open(path: string, opts: DuckDbEventStoreOptions = {}): Promise<DuckDbEventStore> {
    const settings = path === ':memory:' ? opts.settings : { ...DEFAULT_DUCKDB_SETTINGS, ...opts.settings };
    const db = await DuckDbClient.open(path, settings);
    // Raw payloads live in files beside the database (raw-log.ts); an in-memory store gets a temporary directory.
    const tempDir = path === ':memory:' ? fs.mkdtempSync(nodePath.join(os.tmpdir(), 'tidemark-raw-')) : null;
    const file = nodePath.resolve(path);
    const raw = await RawLog.open(
      tempDir ?? nodePath.join(nodePath.dirname(file), `${nodePath.basename(file, nodePath.extname(file))}.raw`),
    );
    return new DuckDbEventStore(db, raw, tempDir, Math.max(1, Math.trunc(opts.writeLanes ?? DEFAULT_WRITE_LANES)));
  }

  async init(): Promise<void> {
    await this.exclusive(async () => {
      await migrate(this.writer);
      this.keysSince = await readKeysSince(this.writer);
    });
    while (this.readers.length < READERS) this.readers.push({ db: await this.writer.fork(), chain: Promise.resolve(), busy: 0 });
    // A temporary view is the connection's own: every reader (the connections that answer `query`) gets it.
    for (const r of this.readers) await r.db.run(rawPayloadsViewSql(this.raw.glob));
    while (this.lanes.length < this.writeLanes) this.lanes.push(newLane(await this.writer.fork(), this.lanes.length));
    if (this.idsStarted) return;
    this.idsStarted = true;
    await this.exclusive(async () => {
      // Sized for the ids the fill will read (a file keyed since the epoch reads no events, say).
      const v7Since = Date.now() - ID_FILTER_WINDOW_MS;
      const stored = storedIdsSql(this.keysSince, v7LowerBound(v7Since));
      const [row] = await this.writer.all<{ n: number }>(`SELECT count(*) AS n FROM (${stored})`);
      // From here on every write adds its ids to this filter, so the fill below may miss none: a write that
      // commits before the fill's snapshot is in the snapshot, one that commits after adds its own ids.
      this.ids = new IdFilter(row?.n ?? 0, v7Since);
      this.idsSql = stored;
      this.idsReady = !row?.n;
    });
    if (!this.idsReady) this.idsLoading = this.fillIds();
  }

  /** Resolves once dedupe no longer needs to probe every id (the id filter is filled). For tests. */
  async idsLoaded(): Promise<boolean> {
    await this.idsLoading;
    return this.idsReady;
  }

  /** Fills the id filter from the stored ids on a connection of its own; until then every id is probed. */
  private async fillIds(): Promise<void> {
    let db: DuckDbClient | null = null;
    try {
      db = await this.writer.fork();
      const result = await db.connection.stream(idWordsSql(this.idsSql));
      for (;;) {
        if (this.closing) return;
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const [v0, v1, v2, v3] = [0, 1, 2, 3].map((i) => chunk.getColumnVector(i));
        for (let i = 0; i < chunk.rowCount; i++) {
          this.ids.addWords(v0!.getItem(i) as number, v1!.getItem(i) as number, v2!.getItem(i) as number, v3!.getItem(i) as number);
        }
      }
      this.idsReady = true;
    } catch {
      // Dedupe stays exact without the filter (every id is probed), only slower.
    } finally {
      db?.close();
    }
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    checkBatchOnce(batch);
    const ids = batchEventIds(batch);
    if (this.keysSince === null && ids.some((id) => !isUuidV7(id))) await this.exclusive(() => this.keyV7Ids());
    const lane = this.lanes.reduce((a, b) => (b.queued < a.queued ? b : a));
    lane.queued++;
    const run = lane.chain.then(async () => {
      if (this.closed) throw new Error('event store is closed');
      // An id in another lane's open transaction: wait for that one, so dedupe sees its rows committed.
      for (let other = this.laneHolding(lane, ids); other; other = this.laneHolding(lane, ids)) await other.open?.catch(() => undefined);
      for (const id of ids) lane.ids.add(id);
      const open = this.writeInTransaction(lane, batch);
      lane.open = open;
      try {
        return await open;
      } finally {
        lane.ids.clear();
        lane.open = null;
      }
    });
    lane.chain = run.catch(() => undefined).finally(() => lane.queued--);
    return run;
  }

  /** The first id of another kind is about to be stored: from now on v7 ids are keyed too (dedupe.ts). */
  private async keyV7Ids(): Promise<void> {
    if (this.keysSince !== null) return;
    const since = Date.now() - KEY_BACKFILL_MS;
    await keyV7Since(this.writer, since);
    this.keysSince = since;
  }

  private laneHolding(self: WriteLane, ids: string[]): WriteLane | undefined {
    return this.lanes.find((l) => l !== self && l.ids.size > 0 && ids.some((id) => l.ids.has(id)));
  }

  /**
   * Called by the group-commit writer as each batch is accepted: packs its events now, while the previous
   * group commits, so the next transaction holds the writer connection for less time.
   */
  prepare(batch: WriteBatch): void {
    prepackEvents(batch.events);
  }

  /**
   * One group, one transaction. Each awaited statement waits for the event loop, which is busy with
   * requests under load, so the transaction is kept to three round trips (BEGIN, the packed INSERT, COMMIT),
   * plus a dedupe query only when the id filter cannot rule a duplicate out; the rest are appenders,
   * which run synchronously inside the open transaction.
   */
  private async writeInTransaction(lane: WriteLane, batch: WriteBatch): Promise<WriteResult> {
    const db = lane.db;
    const rows = eventRows(batch.events, batch.encoded);
    const ids = rows.ids;
    const split = splitIds(ids);
    // Only ids the filter cannot rule out are looked up; usually none, and the query is skipped.
    const ready = this.idsReady;
    const known = this.ids.check(ids);
    const candidates = ready ? known.candidates : ids;
    // Raw payloads go to their files while the transaction runs, and are durable before it commits.
    const raw = batch.raw.length ? this.raw.append(batch.raw, lane.index) : null;
    try {
      await db.runPrepared('BEGIN TRANSACTION', []);
      try {
        const keysSince = this.keysSince;
        const existing = candidates.length ? await findExisting(db, ready ? splitIds(candidates) : split, keysSince) : new Set<string>();
        // Added before COMMIT: should the commit fail (or its outcome be unknown) they are mere false positives.
        for (let i = 0; i < ids.length; i++) if (!existing.has(ids[i]!)) known.record(i);
        const { packed, count, leftovers } = packRows(rows, existing);
        if (count) await db.runPrepared(INSERT_PACKED_EVENTS_SQL, [packed]);
        if (leftovers.length)
          await append(db, 'events', (a) => {
            for (const e of leftovers) appendEvent(a, e);
          });
        await appendKeys(db, split, existing, keysSince !== null);
        if (batch.quarantine.length)
          await append(db, 'quarantine', (a) => {
            for (const q of batch.quarantine) appendQuarantined(a, q);
          });
        await raw?.done;
        await this.commit(db, batch.drops);
        return { inserted: ids.length - existing.size, existingIds: [...existing] };
      } catch (err) {
        await db.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } catch (err) {
      if (raw) {
        await raw.done.catch(() => undefined);
        await raw.undo();
      }
      throw err;
    }
  }

  /**
   * Adds the drop counts and commits. Two open transactions updating one counter row would conflict: one at a time.
   * BEGIN and COMMIT are prepared statements: unprepared, each call spent ~0.1 and ~0.8 ms of the event loop's
   * time in the binding before handing over to DuckDB's thread (prepared: ~0.02 ms), per group.
   */
  private async commit(db: DuckDbClient, drops: DropCount[]): Promise<void> {
    if (!drops.length) return db.runPrepared('COMMIT', []);
    const prior = this.dropsChain;
    let release!: () => void;
    this.dropsChain = new Promise<void>((r) => (release = r));
    await prior;
    try {
      await upsertDrops(db, drops);
      await db.runPrepared('COMMIT', []);
    } finally {
      release();
    }
  }

  /** A connection of its own for jobs beside the writer (e.g. rollups); close it before `close()`. */
  fork(): Promise<DuckDbClient> {
    return this.writer.fork();
  }

  openJobConnection(): Promise<JobConnection> {
    return this.fork();
  }

  async openDerivedTables(): Promise<DerivedTables> {
    return duckDbDerivedTables(await this.fork(), (fn) => this.maintenance(fn));
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.read((db) => db.allCached<T>(sql, params));
  }

  async countQuarantine(siteId: string, sinceMs: number): Promise<number> {
    const [row] = await this.read((db) =>
      db.all<{ n: number }>('SELECT count(*) AS n FROM quarantine WHERE site_id = ? AND received_at >= epoch_ms(CAST(? AS BIGINT))', [
        siteId,
        Math.trunc(sinceMs),
      ]),
    );
    return Number(row?.n ?? 0);
  }

  async listQuarantine(siteId: string, opts: QuarantineQuery = {}): Promise<QuarantineRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 100), 1), 1000);
    const where = ['site_id = ?'];
    const params: unknown[] = [siteId];
    if (opts.beforeId !== undefined && !isLowerUuid(opts.beforeId.toLowerCase()))
      throw badRequest('invalid_cursor', 'beforeId must be a UUID');
    if (opts.before !== undefined && opts.beforeId !== undefined) {
      where.push('(received_at < epoch_ms(CAST(? AS BIGINT)) OR (received_at = epoch_ms(CAST(? AS BIGINT)) AND id < CAST(? AS UUID)))');
      params.push(opts.before, opts.before, opts.beforeId.toLowerCase());
    } else if (opts.before !== undefined) {
      where.push('received_at < epoch_ms(CAST(? AS BIGINT))');
      params.push(opts.before);
    }
    const rows = await this.read((db) =>
      db.all<QuarantineRecord>(
        `SELECT CAST(id AS VARCHAR) AS id, site_id, epoch_ms(received_at) AS received_at, contract, reason, errors, payload, original_bytes
         FROM quarantine WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ?`,
        [...params, limit],
      ),
    );
    return rows;
  }

  dropCounts(siteId: string, fromDay: string, toDay: string): Promise<DropCount[]> {
    return this.read((db) =>
      db.all<DropCount>(
        `SELECT site_id, strftime(day, '%Y-%m-%d') AS day, reason, count FROM ingest_drops
         WHERE site_id = ? AND day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) ORDER BY day, reason`,
        [siteId, fromDay, toDay],
      ),
    );
  }

  purgeRaw(olderThanMs: number): Promise<number> {
    return this.exclusive(async () => {
      const cutoff = [Math.trunc(olderThanMs)];
      // Raw files go whole, once their hour is entirely before the cutoff (retention is counted in days).
      const files = await this.raw.purge(olderThanMs);
      const raw = await this.writer.change('DELETE FROM raw_payloads_archive WHERE received_at < epoch_ms(CAST(? AS BIGINT))', cutoff);
      const quarantined = await this.writer.change('DELETE FROM quarantine WHERE received_at < epoch_ms(CAST(? AS BIGINT))', cutoff);
      return files + raw + quarantined;
    });
  }

  /**
   * Runs `fn` with no purge running (and no other `maintenance` call): jobs that rewrite derived tables
   * from `events` on a connection of their own (the session-parts rollup) run through it, so a purge
   * never deletes events that such a job has read but not yet written back as fragments.
   */
  maintenance<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenanceChain.then(fn, fn);
    this.maintenanceChain = run.catch(() => undefined);
    return run;
  }

  purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    if (cutoffMs % 3_600_000 !== 0) return Promise.reject(new Error('purgeSiteBefore: the cutoff must be a whole UTC hour'));
    return this.purging(async () => {
      const counts = await this.writer.transaction(async () =>
        addCounts(
          await purgeEvents(this.writer, siteId, beforeScope(cutoffMs)),
          await purgeSideTablesBefore(this.writer, siteId, cutoffMs),
        ),
      );
      return addCounts(counts, { raw: await this.raw.removeSite(siteId, cutoffMs) });
    });
  }

  purgeSite(siteId: string): Promise<PurgeCounts> {
    return this.purging(async () => {
      const counts = await this.writer.transaction(() => purgeSiteRows(this.writer, siteId));
      return addCounts(counts, { raw: await this.raw.removeSite(siteId) });
    });
  }

  exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const scope = subjectScope(siteId, subject);
    return this.read((db) => db.all(exportSql(scope), [siteId, ...scope.params]));
  }

  eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    const scope = subjectScope(siteId, subject);
    return this.purging(() =>
      this.writer.transaction(async () =>
        addCounts(await unlinkSubject(this.writer, siteId, scope), await purgeEvents(this.writer, siteId, scope)),
      ),
    );
  }

  async exportRawMatching(siteId: string, needles: readonly string[]): Promise<RawMatches> {
    const list = cleanNeedles(needles);
    if (!list.length) return { raw_payloads: [], quarantine: [] };
    const any = (col: string) => list.map(() => `contains(lower(${col}), ?)`).join(' OR ');
    const raw_payloads = await this.read((db) =>
      db.all<RawMatches['raw_payloads'][number]>(
        `SELECT CAST(id AS VARCHAR) AS id, received_at, contract, body FROM raw_payloads WHERE site_id = ? AND (${any('body')}) ORDER BY received_at, id`,
        [siteId, ...list],
      ),
    );
    const quarantine = await this.read((db) =>
      db.all<RawMatches['quarantine'][number]>(
        `SELECT CAST(id AS VARCHAR) AS id, epoch_ms(received_at) AS received_at, contract, reason, payload FROM quarantine
         WHERE site_id = ? AND (${any('payload')}) ORDER BY received_at, id`,
        [siteId, ...list],
      ),
    );
    return { raw_payloads, quarantine };
  }

  eraseRawMatching(siteId: string, needles: readonly string[]): Promise<PurgeCounts> {
    const list = cleanNeedles(needles);
    if (!list.length) return Promise.resolve({ raw: 0, quarantine: 0 });
    const any = (col: string) => list.map(() => `contains(lower(${col}), ?)`).join(' OR ');
    return this.purging(async () => {
      const counts = await this.writer.transaction(async () => ({
        quarantine: await this.writer.change(`DELETE FROM quarantine WHERE site_id = ? AND (${any('payload')})`, [siteId, ...list]),
        raw: await this.writer.change(`DELETE FROM raw_payloads_archive WHERE site_id = ? AND (${any('body')})`, [siteId, ...list]),
      }));
      const out = addCounts(counts, { raw: await this.raw.removeMatching(siteId, list) });
      // The erased rows are still in the WAL until a checkpoint moves the table into the database file.
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      return out;
    });
  }

  /** Each step with no write running (and no rollup or vault job): collection waits for one table at a time. */
  scrubFreedSpace(): Promise<ScrubReport> {
    return scrubDatabase(this.writer, (fn) => this.purging(fn));
  }

  async exportSubjectSideRows(siteId: string, subject: SubjectRef): Promise<Record<string, Array<Record<string, unknown>>>> {
    const scope = subjectScope(siteId, subject);
    const out: Record<string, Array<Record<string, unknown>>> = {};
    for (const name of PERSONAL_SIDE_TABLES)
      out[name] = await this.read((db) => db.all(sideExportSql(name, scope), [siteId, ...scope.params]));
    return out;
  }

  /** Side-table rows go in one transaction on the first writer connection, between event writes (they are few). */
  async upsertSideRows(table: SideTableName, rows: SideRow[]): Promise<void> {
    const spec = SIDE_TABLES[table];
    // One row per key (the last given): a statement may not touch a key twice.
    const byKey = new Map(rows.map((r) => normalizeSideRow(spec, r)).map((r) => [`${r.site_id}\u0000${r[spec.key]}`, r]));
    const clean = [...byKey.values()];
    if (!clean.length) return;
    const names = ['site_id', ...spec.columns.map((c) => c.name)];
    // The rows cross as ONE bound JSON text that DuckDB takes apart (a bound value per field costs ~2 ms a row).
    const shape = JSON.stringify([
      Object.fromEntries(
        names.map((n) => [n, n === 'site_id' || spec.columns.find((c) => c.name === n)!.kind === 'string' ? 'VARCHAR' : 'BIGINT']),
      ),
    ]);
    const statement = `INSERT OR REPLACE INTO ${table} (${names.join(', ')}) SELECT ${names.map((n) => `r.${n}`).join(', ')}
      FROM (SELECT unnest(from_json(CAST(? AS JSON), '${shape}')) AS r)`;
    await this.exclusive(() =>
      this.writer.transaction(async () => {
        for (let i = 0; i < clean.length; i += 5000) await this.writer.run(statement, [JSON.stringify(clean.slice(i, i + 5000))]);
      }),
    );
  }

  async rebuildSideRows(
    table: SideTableName,
    siteId: string,
    span: { fromMs: number; toMs: number },
    select: { sql: string; params: unknown[] },
  ): Promise<void> {
    const spec = SIDE_TABLES[table];
    const names = spec.columns.map((c) => c.name);
    await this.exclusive(() =>
      this.writer.transaction(async () => {
        await this.writer.run(`DELETE FROM ${table} WHERE site_id = ? AND ${spec.time} >= ? AND ${spec.time} < ?`, [
          siteId,
          Math.trunc(span.fromMs),
          Math.trunc(span.toMs),
        ]);
        await this.writer.run(
          `INSERT INTO ${table} (site_id, ${names.join(', ')}) SELECT ?, ${names.map((n) => `r.${n}`).join(', ')} FROM (${select.sql}) AS r`,
          [siteId, ...select.params],
        );
      }),
    );
  }

  replaceImported(siteId: string, importId: string, rows: readonly ImportedAggregate[]): Promise<number> {
    checkImportedRows(rows);
    return this.exclusive(() =>
      this.writer.transaction(async () => {
        await this.writer.run('DELETE FROM imported_stats WHERE site_id = ? AND import_id = ?', [siteId, importId]);
        const cols = 11;
        for (let i = 0; i < rows.length; i += 500) {
          const chunk = rows.slice(i, i + 500);
          const params: unknown[] = [];
          for (const r of chunk)
            params.push(
              siteId,
              importId,
              r.day,
              r.dimension,
              r.value,
              r.visitors,
              r.pageviews,
              r.events,
              r.visits,
              r.bounces,
              r.visit_duration,
            );
          const tuple = `(${Array.from({ length: cols }, () => '?').join(', ')})`;
          await this.writer.run(`INSERT INTO imported_stats VALUES ${chunk.map(() => tuple).join(', ')}`, params);
        }
        return rows.length;
      }),
    );
  }

  deleteImport(siteId: string, importId: string): Promise<PurgeCounts> {
    const scope = importScope(importVisitorPrefix(importId));
    return this.purging(() =>
      this.writer.transaction(async () => {
        const imported = await this.writer.change('DELETE FROM imported_stats WHERE site_id = ? AND import_id = ?', [siteId, importId]);
        return addCounts(await purgeEvents(this.writer, siteId, scope), { imported });
      }),
    );
  }

  /** A purge: excludes maintenance jobs, then waits for the writes in progress (no write runs meanwhile). */
  private purging<T>(fn: () => Promise<T>): Promise<T> {
    return this.maintenance(() => this.exclusive(fn));
  }

  /** Waits for writes in progress, checkpoints (nothing left to replay on the next open) and closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    await this.exclusive(async () => {
      await this.idsLoading;
      await Promise.allSettled(this.readers.map((r) => r.chain));
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      this.closed = true;
      for (const r of this.readers) r.db.close();
      this.readers = [];
      for (const l of this.lanes) closeAppender(l.db);
      for (const l of this.lanes.slice(1)) l.db.close();
      this.writer.close();
      await this.raw.close();
      if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
    });
  }

  /** Runs `fn` on the first writer connection with no write running on any (migrations, purges, close). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = Promise.all(this.lanes.map((l) => l.chain)).then(() => {
      if (this.closed) throw new Error('event store is closed');
      return fn();
    });
    const done = run.catch(() => undefined);
    for (const l of this.lanes) l.chain = done;
    return run;
  }

  /** Runs `fn` on the least busy reader connection; each connection runs one statement at a time. */
  private read<T>(fn: (db: DuckDbClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    if (!this.readers.length) return Promise.reject(new Error('event store is not initialised (call init())'));
    const r = this.readers.reduce((a, b) => (b.busy < a.busy ? b : a));
    r.busy++;
    const run = r.chain.then(() => fn(r.db));
    r.chain = run.catch(() => undefined).finally(() => r.busy--);
    return run;
  }
}

/** Adds counts to the per site/day/reason totals; keys are summed first (one upsert may not touch a row twice). */
async function upsertDrops(db: DuckDbClient, drops: DropCount[]): Promise<void> {
  if (!drops.length) return;
  const sums = new Map<string, DropCount>();
  for (const d of drops) {
    if (d.count <= 0) continue;
    const key = `${d.site_id}\u0000${d.day}\u0000${d.reason}`;
    const prev = sums.get(key);
    if (prev) prev.count += d.count;
    else sums.set(key, { ...d });
  }
  const rows = [...sums.values()];
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    await db.run(
      `INSERT INTO ingest_drops (site_id, day, reason, count) VALUES ${chunk.map(() => '(?, CAST(? AS DATE), ?, CAST(? AS BIGINT))').join(', ')}
       ON CONFLICT (site_id, day, reason) DO UPDATE SET count = ingest_drops.count + excluded.count`,
      chunk.flatMap((d) => [d.site_id, d.day, d.reason, d.count]),
    );
  }
}

/**
 * Records the ids of newly inserted events that `events` cannot be probed for (see dedupe.ts): the other
 * ids always, the v7 ids once keyed. Sorted, so each appended block stays narrow.
 */
async function appendKeys(db: DuckDbClient, split: SplitIds, existing: Set<string>, keyV7: boolean): Promise<void> {
  const tables = keyV7
    ? ([
        ['event_keys', split.v7],
        ['event_keys_other', split.other],
      ] as const)
    : ([['event_keys_other', split.other]] as const);
  for (const [table, sorted] of tables) {
    const ids = existing.size ? sorted.filter((id) => !existing.has(id)) : sorted;
    if (!ids.length) continue;
    await append(db, table, (a) => {
      for (const id of ids) {
        a.appendVarchar(id); // cast to UUID by the appender
        a.endRow();
      }
    });
  }
}

/**
 * Appenders are kept per connection and table: creating one is a round trip, which waits for a busy event
 * loop on every group. A flush joins the connection's open transaction (and rolls back with it); an
 * appender that failed is dropped, as its state is unknown.
 */
const appenders = new WeakMap<DuckDbClient, Map<string, DuckDBAppender>>();

async function append(db: DuckDbClient, table: string, fill: (a: DuckDBAppender) => void): Promise<void> {
  let cached = appenders.get(db);
  if (!cached) {
    cached = new Map();
    appenders.set(db, cached);
  }
  let appender = cached.get(table);
  if (!appender) {
    appender = await db.connection.createAppender(table);
    cached.set(table, appender);
  }
  try {
    fill(appender);
    appender.flushSync();
  } catch (err) {
    closeAppender(db, table);
    throw err;
  }
}

function closeAppender(db: DuckDbClient, table?: string): void {
  const cached = appenders.get(db);
  for (const [name, a] of cached ?? []) {
    if (table !== undefined && name !== table) continue;
    cached!.delete(name);
    try {
      a.closeSync();
    } catch {
      // failed before; nothing left to flush
    }
  }
}

function appendQuarantined(a: DuckDBAppender, q: QuarantineRecord): void {
  a.appendVarchar(q.id);
  a.appendVarchar(q.site_id);
  a.appendTimestamp(msToTimestamp(q.received_at));
  a.appendVarchar(q.contract);
  a.appendVarchar(q.reason);
  a.appendVarchar(q.errors);
  a.appendVarchar(q.payload);
  a.appendBigInt(BigInt(q.original_bytes ?? 0));
  a.endRow();
}

/** Needles compared without case; empty ones would match everything and are left out. */
function cleanNeedles(needles: readonly string[]): string[] {
  return [...new Set(needles.map((n) => n.toLowerCase()).filter((n) => n.length > 0))];
}
