import os from 'node:os';
import crypto from 'node:crypto';
import { TidemarkError } from '@tidemark/core';
import { ClickHouseError, type KeyedBatch, type WriteResult } from '../store';
import type { Redis } from './redis';
import { BATCH_FIELD, DEFAULT_GROUP, DEFAULT_STREAM, deadLetterKey, decodeEntry, type StreamEntry } from './stream';

/** What a worker writes to: the ClickHouse store (idempotent per entry key). */
export interface KeyedWriter {
  writeKeyed(parts: readonly KeyedBatch[]): Promise<WriteResult>;
}

export interface StreamWorkerOptions {
  stream?: string;
  group?: string;
  /** Unique per process; defaults to host:pid:random. */
  consumer?: string;
  /** Entries per write at most. */
  maxEntries?: number;
  /**
   * How long a write waits to fill up after its first entry arrived. ClickHouse wants few, large
   * inserts (every insert makes a part per table), so a busy worker writes about once per interval.
   */
  flushIntervalMs?: number;
  /** An entry delivered to a consumer and not acknowledged for this long is claimed by another worker. */
  minIdleMs?: number;
  /** How often to look for such entries. */
  claimEveryMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Told about failed writes / Redis errors (they are retried) and dead-lettered entries. */
  onError?: (err: unknown, info: { stage: 'write' | 'ack' | 'read' | 'claim' | 'dead-letter'; entries: number }) => void;
}

export interface WorkerStats {
  entriesWritten: number;
  eventsInserted: number;
  entriesClaimed: number;
  entriesDeadLettered: number;
  writes: number;
  failedWrites: number;
}

type RawEntry = [id: string, fields: string[] | null];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The writer side of the stream: reads entries as consumer of the group, writes them to the event
 * store, and acknowledges (XACK + XDEL) only after the store has them. At-least-once delivery plus
 * idempotent writes (the store skips stored event ids; its other rows are keyed by entry id) means
 * every acknowledged event is stored once:
 * - a worker that dies leaves its entries pending; another claims them (XAUTOCLAIM) once idle for
 *   `minIdleMs` and writes them again, which stores what was missing and nothing twice;
 * - while a write is slow or being retried, the owner keeps re-claiming its entries so they are not
 *   taken from it (a takeover would be harmless, only wasteful);
 * - a batch the store refuses as invalid (4xx) is moved to the dead-letter stream, never dropped;
 *   an unavailable store is retried with backoff, indefinitely.
 */
export class StreamWorker {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly stats: WorkerStats = {
    entriesWritten: 0,
    eventsInserted: 0,
    entriesClaimed: 0,
    entriesDeadLettered: 0,
    writes: 0,
    failedWrites: 0,
  };
  private readonly opts: Required<Omit<StreamWorkerOptions, 'onError' | 'stream' | 'group' | 'consumer'>>;
  private readonly onError: StreamWorkerOptions['onError'];
  private reader: Redis | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private nextClaimAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly store: KeyedWriter,
    opts: StreamWorkerOptions = {},
  ) {
    this.stream = opts.stream ?? DEFAULT_STREAM;
    this.group = opts.group ?? DEFAULT_GROUP;
    this.consumer = opts.consumer ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
    const minIdleMs = opts.minIdleMs ?? 30_000;
    this.opts = {
      maxEntries: opts.maxEntries ?? 2000,
      flushIntervalMs: opts.flushIntervalMs ?? 1000,
      minIdleMs,
      claimEveryMs: opts.claimEveryMs ?? Math.max(100, Math.floor(minIdleMs / 2)),
      retryBaseMs: opts.retryBaseMs ?? 100,
      retryMaxMs: opts.retryMaxMs ?? 5000,
    };
    this.onError = opts.onError;
  }

  /** Creates the group when missing and starts consuming in the background. */
  async start(): Promise<void> {
    if (this.loop) return;
    await ensureGroup(this.redis, this.stream, this.group);
    // Blocking reads hold their connection, so they get one of their own.
    this.reader = this.redis.duplicate();
    this.reader.on('error', () => undefined);
    this.loop = this.run();
  }

  /** Finishes the write in progress (and acknowledges it), then stops. Unwritten entries stay pending. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.reader?.disconnect();
    this.reader = null;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        let entries: RawEntry[] = [];
        if (Date.now() >= this.nextClaimAt) {
          entries = await this.claim();
          this.nextClaimAt = Date.now() + this.opts.claimEveryMs;
        }
        if (!entries.length) entries = await this.readBatch();
        if (entries.length) await this.process(entries);
        failures = 0;
      } catch (err) {
        // Redis unreachable: wait and go again; pending entries are safe where they are.
        this.onError?.(err, { stage: 'read', entries: 0 });
        await sleep(this.backoff(failures++));
      }
    }
  }

  /** New entries: waits up to a second for the first, then up to flushIntervalMs for more. */
  private async readBatch(): Promise<RawEntry[]> {
    const out: RawEntry[] = [];
    const first = await this.read(1000);
    out.push(...first);
    if (!out.length) return out;
    const deadline = Date.now() + this.opts.flushIntervalMs;
    while (!this.stopping && out.length < this.opts.maxEntries) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      out.push(...(await this.read(left)));
    }
    return out;
  }

  private async read(blockMs: number): Promise<RawEntry[]> {
    const reader = this.reader!;
    const count = this.opts.maxEntries;
    const res = (await reader.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      count,
      'BLOCK',
      Math.max(1, Math.ceil(blockMs)),
      'STREAMS',
      this.stream,
      '>',
    )) as Array<[string, RawEntry[]]> | null;
    return res?.[0]?.[1] ?? [];
  }

  /** Takes over entries other consumers left idle for minIdleMs (e.g. a worker that was killed). */
  private async claim(): Promise<RawEntry[]> {
    const out: RawEntry[] = [];
    let cursor = '0-0';
    do {
      const res = (await this.redis.xautoclaim(
        this.stream,
        this.group,
        this.consumer,
        this.opts.minIdleMs,
        cursor,
        'COUNT',
        this.opts.maxEntries,
      )) as [string, RawEntry[], string[]?];
      cursor = res[0];
      out.push(...res[1]);
    } while (cursor !== '0-0' && out.length < this.opts.maxEntries && !this.stopping);
    this.stats.entriesClaimed += out.length;
    return out;
  }

  private async process(raw: RawEntry[]): Promise<void> {
    const valid: StreamEntry[] = [];
    const gone: string[] = [];
    for (const [id, fields] of raw) {
      if (!fields) {
        gone.push(id); // deleted after it was delivered: nothing to write
        continue;
      }
      const batch = decodeEntry(fields);
      if (typeof batch === 'string') await this.deadLetter(id, fields, batch);
      else valid.push({ id, batch });
    }
    if (gone.length) await this.acknowledge(gone);
    if (valid.length) await this.writeAll(valid);
  }

  /** Writes entries, retrying while the store is unavailable; splits to isolate invalid ones. */
  private async writeAll(entries: StreamEntry[]): Promise<void> {
    const ids = entries.map((e) => e.id);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.whileOwning(ids, () => this.store.writeKeyed(entries.map((e) => ({ key: e.id, batch: e.batch }))));
        this.stats.writes++;
        this.stats.eventsInserted += result.inserted;
        break;
      } catch (err) {
        this.stats.failedWrites++;
        // The batch itself is refused (a few tries first for data errors, in case of a fluke):
        // split until the entry at fault is alone, then move it aside.
        if (isInvalidBatch(err) || (isDataError(err) && attempt >= 2)) {
          if (entries.length === 1)
            return this.deadLetter(entries[0]!.id, [BATCH_FIELD, JSON.stringify(entries[0]!.batch)], (err as Error).message);
          const half = Math.ceil(entries.length / 2);
          await this.writeAll(entries.slice(0, half));
          await this.writeAll(entries.slice(half));
          return;
        }
        this.onError?.(err, { stage: 'write', entries: entries.length });
        // Stopping: leave them pending for another worker (or this one after a restart).
        if (this.stopping) return;
        await this.whileOwning(ids, () => sleep(this.backoff(attempt)));
      }
    }
    await this.acknowledge(ids);
    this.stats.entriesWritten += entries.length;
  }

  /** XACK + XDEL, retried until Redis takes it (a lost ack only means a harmless rewrite later). */
  private async acknowledge(ids: string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.redis
          .multi()
          .xack(this.stream, this.group, ...ids)
          .xdel(this.stream, ...ids)
          .exec();
        return;
      } catch (err) {
        this.onError?.(err, { stage: 'ack', entries: ids.length });
        if (this.stopping && attempt >= 3) return;
        await sleep(this.backoff(attempt));
      }
    }
  }

  private async deadLetter(id: string, fields: string[], reason: string): Promise<void> {
    this.onError?.(new Error(`stream entry ${id} moved to ${deadLetterKey(this.stream)}: ${reason}`), { stage: 'dead-letter', entries: 1 });
    await this.redis.xadd(deadLetterKey(this.stream), '*', 'entry', id, 'reason', reason.slice(0, 2000), ...fields);
    await this.acknowledge([id]);
    this.stats.entriesDeadLettered++;
  }

  /** Runs `fn` while re-claiming `ids` to this consumer now and then, so they are not taken over. */
  private async whileOwning<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
    const every = Math.max(50, Math.floor(this.opts.minIdleMs / 3));
    const timer = setInterval(() => {
      this.redis
        .xclaim(this.stream, this.group, this.consumer, 0, ...ids, 'JUSTID')
        .catch((err: unknown) => this.onError?.(err, { stage: 'claim', entries: ids.length }));
    }, every);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.opts.retryBaseMs * 2 ** Math.min(attempt, 16), this.opts.retryMaxMs);
  }
}

/** XGROUP CREATE … MKSTREAM, reading from the start; an existing group is left as it is. */
export async function ensureGroup(redis: Redis, stream: string, group: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (err) {
    if (!(err instanceof Error) || !/BUSYGROUP/.test(err.message)) throw err;
  }
}

function isDataError(err: unknown): boolean {
  return err instanceof ClickHouseError && err.isDataError;
}

/** A refusal of the batch itself (4xx), which no retry will fix. */
function isInvalidBatch(err: unknown): boolean {
  return err instanceof TidemarkError && err.status >= 400 && err.status < 500;
}
