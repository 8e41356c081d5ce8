import crypto from 'node:crypto';
import { badRequest, EVENT_COLUMNS, wellFormedJson, type CanonicalEvent } from '@tidemark/core';
import type {
  DerivedTables,
  DropCount,
  RawMatches,
  EventStore,
  PurgeCounts,
  QuarantineQuery,
  QuarantineRecord,
  SubjectRef,
  WriteBatch,
  WriteResult,
} from '../event-store';
import { assertNotEncoded, checkBatch, isLowerUuid, uniqueEvents } from '../event-rows';
import { quoteInt, quoteString, wellFormed } from './escape';
import { ClickHouseHttp, parseClickHouseUrl, type ClickHouseClient, type ClickHouseConnection } from './http';
import { DEDUPED_TABLES, migrate, type ServerInfo } from './schema';
import { prepareStatement } from './statement';
import { ClickHouseLifecycle } from './lifecycle';
import { normalizeSideRow, SIDE_TABLES, type SideRow, type SideTableName } from '../side-tables';
import { clickHouseDerivedTables } from './derived';
import { checkImportedRows, IMPORTED_COLUMNS, importVisitorPrefix, type ImportedAggregate } from '../imported';

/** One write of a keyed batch: `key` names it for idempotent retries (e.g. the Redis stream entry id). */
export interface KeyedBatch {
  key: string;
  batch: WriteBatch;
}

const EVENT_COLUMN_NAMES = EVENT_COLUMNS.map((c) => c.name);
const FINAL_TABLES: ReadonlySet<string> = new Set(DEDUPED_TABLES);
/** Ids per lookup statement (37 bytes each): keeps each statement well under max_query_size. */
const ID_LOOKUP_CHUNK = 50_000;
const QUERY_SETTINGS = { max_query_size: 4 * 1024 * 1024 };
/** Reports over long periods of big sites may take a while on small servers; past this they fail (503-like). */
const QUERY_TIMEOUT_MS = 120_000;

/**
 * The scale-out event store on ClickHouse (see schema.ts for the tables).
 *
 * Writes are idempotent, which is what makes at-least-once delivery from the Redis stream safe:
 * the event ids already stored are looked up first and skipped; everything else is keyed so that
 * writing the same batch twice leaves one copy as far as any read can tell (reads go through FINAL).
 * ClickHouse has no multi-table transaction: a failed write may have stored part of a batch, and
 * the caller retries it whole (the stream worker does; it acknowledges only after success).
 * Order matters for that: events before their ids, so an id is only ever recorded for a stored event.
 */
export class ClickHouseEventStore implements EventStore {
  readonly dialect = 'clickhouse' as const;
  /** Events arrive as objects (from the stream worker); no rollups: ClickHouse scans raw events. */
  readonly capabilities = { encodedWrites: false, rollups: false } as const;
  private server: ServerInfo | null = null;
  private closed = false;
  private readonly http: ClickHouseClient;
  private readonly lifecycle: ClickHouseLifecycle;

  /** A URL or connection (HTTP interface), or any other client of a ClickHouse engine. */
  constructor(conn: ClickHouseConnection | string | ClickHouseClient) {
    if (typeof conn === 'string') this.http = new ClickHouseHttp(parseClickHouseUrl(conn));
    else this.http = 'select' in conn ? conn : new ClickHouseHttp(conn);
    this.lifecycle = new ClickHouseLifecycle(this.http, (tables) => this.awaitMutations(tables));
  }

  get database(): string {
    return this.http.database;
  }

  /** Server version, known after init(). */
  get serverVersion(): string | null {
    return this.server?.version ?? null;
  }

  async init(): Promise<void> {
    const { server } = await migrate(this.http);
    this.server = server;
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    return this.writeKeyed([{ key: crypto.randomUUID(), batch }]);
  }

  /** Writes several batches as one; drop counts are keyed per batch so a retry never adds them twice. */
  async writeKeyed(parts: readonly KeyedBatch[]): Promise<WriteResult> {
    this.assertOpen();
    for (const p of parts) {
      checkBatch(p.batch);
      assertNotEncoded(p.batch);
    }
    const events = uniqueEvents(parts.flatMap((p) => p.batch.events));
    const existing = await this.existingIds(events.map((e) => e.event_id));
    const fresh = existing.size ? events.filter((e) => !existing.has(e.event_id)) : events;
    if (fresh.length) {
      await this.http.insert('events', EVENT_COLUMN_NAMES, fresh.map(eventRow));
      await this.http.insert(
        'event_ids',
        ['event_id', 'site_id'],
        fresh.map((e) => ({ event_id: e.event_id, site_id: wellFormed(e.site_id) })),
      );
    }
    const raw = parts.flatMap((p) => p.batch.raw);
    if (raw.length) {
      await this.http.insert(
        'raw_payloads',
        ['id', 'site_id', 'received_at', 'contract', 'body', 'original_bytes'],
        raw.map((r) => ({
          id: r.id.toLowerCase(),
          site_id: wellFormed(r.site_id),
          received_at: r.received_at,
          contract: wellFormed(r.contract),
          body: wellFormed(r.body),
          original_bytes: r.original_bytes ?? 0,
        })),
      );
    }
    const quarantine = parts.flatMap((p) => p.batch.quarantine);
    if (quarantine.length) {
      await this.http.insert(
        'quarantine',
        ['id', 'site_id', 'received_at', 'contract', 'reason', 'errors', 'payload', 'original_bytes'],
        quarantine.map((q) => ({
          id: q.id.toLowerCase(),
          site_id: wellFormed(q.site_id),
          received_at: q.received_at,
          contract: wellFormed(q.contract),
          reason: wellFormed(q.reason),
          errors: wellFormed(q.errors),
          payload: wellFormed(q.payload),
          original_bytes: q.original_bytes ?? 0,
        })),
      );
    }
    const drops = parts.flatMap((p) => sumDrops(p.batch.drops).map((d) => ({ ...d, batch_key: p.key })));
    if (drops.length) {
      await this.http.insert(
        'ingest_drops',
        ['site_id', 'day', 'reason', 'batch_key', 'count'],
        drops.map((d) => ({
          site_id: wellFormed(d.site_id),
          day: d.day,
          reason: wellFormed(d.reason),
          batch_key: d.batch_key,
          count: d.count,
        })),
      );
    }
    return { inserted: fresh.length, existingIds: [...existing] };
  }

  /** The ids among `ids` (lower case, distinct) that are already stored. */
  private async existingIds(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += ID_LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + ID_LOOKUP_CHUNK);
      // One string literal split server-side parses far faster than thousands of literals; ids are
      // checked UUIDs (no commas). The IN set is matched through event_ids' primary key.
      const rows = await this.http.select<{ event_id: string }>(
        `SELECT DISTINCT event_id FROM event_ids WHERE event_id IN (SELECT arrayJoin(splitByChar(',', ${quoteString(chunk.join(','))})))`,
        { settings: QUERY_SETTINGS },
      );
      for (const r of rows) found.add(r.event_id);
    }
    return found;
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.assertOpen();
    return this.http.select<T>(prepareStatement(sql, params, { finalTables: FINAL_TABLES }), {
      settings: QUERY_SETTINGS,
      timeoutMs: QUERY_TIMEOUT_MS,
    });
  }

  async countQuarantine(siteId: string, sinceMs: number): Promise<number> {
    // FINAL: a row written twice (a redelivered stream entry) counts once.
    const [row] = await this.query<{ n: number }>('SELECT count() AS n FROM quarantine FINAL WHERE site_id = ? AND received_at >= ?', [
      siteId,
      Math.trunc(sinceMs),
    ]);
    return Number(row?.n ?? 0);
  }

  async listQuarantine(siteId: string, opts: QuarantineQuery = {}): Promise<QuarantineRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 100), 1), 1000);
    const where = ['site_id = ?'];
    const params: unknown[] = [siteId];
    if (opts.beforeId !== undefined && !isLowerUuid(opts.beforeId.toLowerCase()))
      throw badRequest('invalid_cursor', 'beforeId must be a UUID');
    if (opts.before !== undefined && opts.beforeId !== undefined) {
      where.push('(received_at < ? OR (received_at = ? AND id < ?))');
      params.push(Math.trunc(opts.before), Math.trunc(opts.before), opts.beforeId.toLowerCase());
    } else if (opts.before !== undefined) {
      where.push('received_at < ?');
      params.push(Math.trunc(opts.before));
    }
    return this.query<QuarantineRecord>(
      `SELECT id, site_id, received_at, contract, reason, errors, payload, original_bytes FROM quarantine
       WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ?`,
      [...params, limit],
    );
  }

  async dropCounts(siteId: string, fromDay: string, toDay: string): Promise<DropCount[]> {
    for (const day of [fromDay, toDay])
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw badRequest('invalid_date_range', 'days must be YYYY-MM-DD');
    // Output aliases differ from column names: ClickHouse resolves WHERE names to SELECT aliases first.
    const rows = await this.query<{ site: string; day_text: string; why: string; n: number }>(
      `SELECT site_id AS site, toString(day) AS day_text, reason AS why, sum(count) AS n FROM ingest_drops
       WHERE site_id = ? AND day >= toDate(?) AND day <= toDate(?) GROUP BY site_id, day, reason ORDER BY day, reason`,
      [siteId, fromDay, toDay],
    );
    return rows.map((r) => ({ site_id: r.site, day: r.day_text, reason: r.why, count: Number(r.n) }));
  }

  /**
   * Deletes raw payloads and quarantined events received before `olderThanMs`. Whole days of raw
   * payloads go by dropping their partitions; the rest by a mutation, awaited so the rows are gone
   * (as counted) when this resolves.
   */
  async purgeRaw(olderThanMs: number): Promise<number> {
    this.assertOpen();
    const cutoff = quoteInt(Math.trunc(olderThanMs));
    let deleted = 0;
    let mutated = false;
    for (const table of ['raw_payloads', 'quarantine']) {
      const [row] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${table} FINAL WHERE received_at < ${cutoff}`);
      const n = Number(row?.n ?? 0);
      if (!n) continue;
      deleted += n;
      if (table === 'raw_payloads') await this.dropDaysBefore(olderThanMs);
      // What is left of the cutoff day (and quarantine, partitioned by month) goes by a mutation.
      const [left] = await this.http.select<{ n: number }>(`SELECT count() AS n FROM ${table} WHERE received_at < ${cutoff}`);
      if (!Number(left?.n ?? 0)) continue;
      await this.http.exec(`ALTER TABLE ${table} DELETE WHERE received_at < ${cutoff}`);
      mutated = true;
    }
    if (mutated) await this.awaitMutations(['raw_payloads', 'quarantine']);
    return deleted;
  }

  purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    this.assertOpen();
    return this.lifecycle.purgeSiteBefore(siteId, cutoffMs);
  }

  purgeSite(siteId: string): Promise<PurgeCounts> {
    this.assertOpen();
    return this.lifecycle.purgeSite(siteId);
  }

  exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    this.assertOpen();
    return this.lifecycle.exportSubject(siteId, subject);
  }

  eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    this.assertOpen();
    return this.lifecycle.eraseSubject(siteId, subject);
  }

  exportRawMatching(siteId: string, needles: readonly string[]): Promise<RawMatches> {
    this.assertOpen();
    return this.lifecycle.exportRawMatching(siteId, needles);
  }

  eraseRawMatching(siteId: string, needles: readonly string[]): Promise<PurgeCounts> {
    this.assertOpen();
    return this.lifecycle.eraseRawMatching(siteId, needles);
  }

  exportSubjectSideRows(siteId: string, subject: SubjectRef): Promise<Record<string, Array<Record<string, unknown>>>> {
    this.assertOpen();
    return this.lifecycle.exportSubjectSideRows(siteId, subject);
  }

  async upsertSideRows(table: SideTableName, rows: SideRow[]): Promise<void> {
    this.assertOpen();
    const spec = SIDE_TABLES[table];
    if (!rows.length) return;
    await this.http.insert(
      table,
      ['site_id', ...spec.columns.map((c) => c.name)],
      rows.map((r) => normalizeSideRow(spec, r)),
    );
  }

  async rebuildSideRows(
    table: SideTableName,
    siteId: string,
    _span: { fromMs: number; toMs: number },
    select: { sql: string; params: unknown[] },
  ): Promise<void> {
    this.assertOpen();
    const names = SIDE_TABLES[table].columns.map((c) => c.name);
    const statement = `INSERT INTO ${table} (site_id, ${names.join(', ')}) SELECT ?, ${names.join(', ')} FROM (${select.sql})`;
    await this.http.exec(prepareStatement(statement, [siteId, ...select.params], { finalTables: FINAL_TABLES }), {
      settings: QUERY_SETTINGS,
      timeoutMs: QUERY_TIMEOUT_MS,
    });
  }

  async openDerivedTables(): Promise<DerivedTables> {
    this.assertOpen();
    return clickHouseDerivedTables(this.http, FINAL_TABLES, (tables) => this.awaitMutations(tables));
  }

  /** Drops the daily raw_payloads partitions entirely before the cutoff's UTC day: no rewrite needed. */
  private async dropDaysBefore(olderThanMs: number): Promise<void> {
    const cutoffDay = Number(new Date(olderThanMs).toISOString().slice(0, 10).replace(/-/g, ''));
    const parts = await this.http.select<{ partition: string }>(
      `SELECT DISTINCT partition FROM system.parts WHERE database = ${quoteString(this.database)} AND table = 'raw_payloads' AND active`,
    );
    for (const { partition } of parts) {
      const day = Number(partition.replace(/'/g, ''));
      if (Number.isSafeInteger(day) && day < cutoffDay) await this.http.exec(`ALTER TABLE raw_payloads DROP PARTITION ${quoteInt(day)}`);
    }
  }

  /**
   * No transaction here: the import's rows are deleted (a mutation, awaited) and inserted again. A failure
   * between leaves the import incomplete; the import job reports it failed and running it again repairs it.
   */
  async replaceImported(siteId: string, importId: string, rows: readonly ImportedAggregate[]): Promise<number> {
    this.assertOpen();
    checkImportedRows(rows);
    await this.lifecycle.deleteImportedRows(siteId, importId);
    for (let i = 0; i < rows.length; i += 50_000) {
      const chunk = rows.slice(i, i + 50_000).map((r) => ({ site_id: siteId, import_id: importId, ...r, value: wellFormed(r.value) }));
      await this.http.insert('imported_stats', IMPORTED_COLUMNS, chunk);
    }
    return rows.length;
  }

  deleteImport(siteId: string, importId: string): Promise<PurgeCounts> {
    this.assertOpen();
    return this.lifecycle.deleteImport(siteId, importId, importVisitorPrefix(importId));
  }

  /** Waits until the tables' mutations have finished (servers before 19.x cannot be asked to wait). */
  private async awaitMutations(tables: string[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const list = tables.map(quoteString).join(', ');
    for (;;) {
      const [row] = await this.http.select<{ n: number }>(
        `SELECT count() AS n FROM system.mutations WHERE database = ${quoteString(this.database)} AND table IN (${list}) AND is_done = 0`,
      );
      if (!Number(row?.n ?? 0)) return;
      if (Date.now() > deadline) throw new Error(`ClickHouse: delete on ${tables.join(', ')} did not finish in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Merges pending duplicates away now (tests, maintenance); reads are already exact without it. */
  async optimize(table: (typeof DEDUPED_TABLES)[number] = 'events'): Promise<void> {
    await this.http.exec(`OPTIMIZE TABLE ${table} FINAL`, { timeoutMs: 600_000 });
  }

  /** Drops the whole database (tests). */
  async dropDatabase(): Promise<void> {
    await this.http.exec(`DROP DATABASE IF EXISTS \`${this.database}\``, { database: null });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

/** The row as ClickHouse's JSONEachRow input expects it: canonical columns only, props as JSON text. */
function eventRow(e: CanonicalEvent): Record<string, unknown> {
  const rec = e as unknown as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const c of EVENT_COLUMNS) {
    const v = rec[c.name];
    // JSON.stringify writes a lone surrogate as a \udXXX escape: made U+FFFD like the text columns.
    if (c.kind === 'json') row[c.name] = wellFormedJson(JSON.stringify(v ?? {}));
    else if (typeof v === 'string') row[c.name] = wellFormed(v);
    else row[c.name] = v ?? null;
  }
  return row;
}

/** Counts with the same site/day/reason summed (one row per key and write). */
function sumDrops(drops: DropCount[]): DropCount[] {
  const sums = new Map<string, DropCount>();
  for (const d of drops) {
    if (d.count <= 0) continue;
    const key = `${d.site_id}\u0000${d.day}\u0000${d.reason}`;
    const prev = sums.get(key);
    if (prev) prev.count += d.count;
    else sums.set(key, { ...d });
  }
  return [...sums.values()];
}
