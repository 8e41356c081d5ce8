import { TidemarkError } from '@tidemark/core';
import type { EventStore, WriteBatch, WriteResult } from './event-store';
import { batchEventIds, checkBatch, markChecked } from './event-rows';

export interface GroupCommitOptions {
  /** Commit as soon as this many items (events + raw payloads + quarantined events) are waiting. */
  maxGroupItems?: number;
  /** …or this many ms after the first one started waiting, when no commit is running. */
  maxDelayMs?: number;
  /** Items accepted but not yet committed (queued + in flight). Beyond it `submit` answers 503 at once. */
  maxPendingItems?: number;
  /** Tries per group before it is split and each batch tried once alone. */
  retryAttempts?: number;
  /** Backoff between tries: base × 2^n, capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Groups that may commit at once (default: what the store says it can take, else 1). While one group
   * commits, the next can already be written on another connection.
   */
  concurrency?: number;
  /** Told about every failed try (for logs); the writer itself never drops a batch silently. */
  onError?: (err: unknown, info: { attempt: number; batches: number; final: boolean }) => void;
}

export interface WriterStats {
  pendingItems: number;
  queuedBatches: number;
  commits: number;
  committedItems: number;
  failedTries: number;
}

interface Submission {
  batch: WriteBatch;
  items: number;
  /** When it was accepted (ms): the age of the oldest waiting item is the ingest delay. */
  at: number;
  resolve: (r: { inserted: number }) => void;
  reject: (err: unknown) => void;
}

/** A store that can do part of a batch's write work early, as it is accepted (outside the commit). */
export interface PreparingStore {
  prepare?(batch: WriteBatch): void;
  /** Write transactions the store can run at once. */
  readonly writeConcurrency?: number;
}

const DEFAULTS: Required<Omit<GroupCommitOptions, 'onError' | 'concurrency'>> = {
  maxGroupItems: 5000,
  maxDelayMs: 3,
  maxPendingItems: 50_000, // ~1.5 s of the 35k events/s target; bounds memory to tens of MB
  retryAttempts: 6,
  retryBaseMs: 25,
  retryMaxMs: 2000,
};

const itemsOf = (b: WriteBatch) => Math.max(1, b.events.length + (b.encoded?.ids.length ?? 0) + b.raw.length + b.quarantine.length);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Group commit in front of an EventStore: concurrent submissions are merged into one transaction so one
 * disk sync acknowledges many requests. `submit` resolves only after the transaction holding its batch
 * has committed (durable), so an HTTP 202 sent after it is never a lie. At most `concurrency` commits
 * run at once (the store keeps their event ids apart); what arrives meanwhile forms the next group.
 * The queue is bounded: when full, `submit` rejects with 503 `overloaded` instead of letting memory
 * grow. A failing group is retried with backoff, then split so one bad batch cannot fail the others; a
 * batch that still fails is rejected (503, nothing of it was written, nothing was acknowledged). After
 * `close()`, `submit` rejects with 503.
 */
export class GroupCommitWriter {
  private readonly opts: typeof DEFAULTS;
  private readonly onError: GroupCommitOptions['onError'];
  private queue: Submission[] = [];
  private queuedItems = 0;
  private inFlightItems = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Acceptance time of the oldest submission of each commit running now. */
  private readonly inFlightSince = new Map<Promise<void>, number>();
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly counters = { commits: 0, committedItems: 0, failedTries: 0 };

  constructor(
    private readonly store: Pick<EventStore, 'write'> & PreparingStore,
    options: GroupCommitOptions = {},
  ) {
    const { onError, concurrency, ...rest } = options;
    this.concurrency = Math.max(1, Math.trunc(concurrency ?? store.writeConcurrency ?? 1));
    this.opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    this.onError = onError;
  }

  /** Items accepted and not yet committed (queued or in a commit running now). */
  get pendingItems(): number {
    return this.queuedItems + this.inFlightItems;
  }

  /** When the oldest item accepted and not yet committed was accepted (ms), or null when nothing waits. */
  get oldestPendingAt(): number | null {
    let oldest = this.queue[0]?.at ?? null;
    for (const at of this.inFlightSince.values()) if (oldest === null || at < oldest) oldest = at;
    return oldest;
  }

  /** Resolves with the number of the batch's events newly stored, once they are on disk. */
  submit(batch: WriteBatch): Promise<{ inserted: number }> {
    if (this.closed) return Promise.reject(new TidemarkError(503, 'shutting_down', 'The server is shutting down; retry shortly'));
    try {
      checkBatch(batch);
      markChecked(batch);
    } catch (err) {
      return Promise.reject(err);
    }
    const items = itemsOf(batch);
    const pending = this.queuedItems + this.inFlightItems;
    // An idle writer takes even an oversized batch, so a large batch is never refused forever.
    if (pending > 0 && pending + items > this.opts.maxPendingItems) {
      return Promise.reject(new TidemarkError(503, 'overloaded', 'Ingestion is busy; retry shortly', { retry_after: 1 }));
    }
    try {
      this.store.prepare?.(batch);
    } catch {
      // Only an optimisation: the store does the same work in write(), where a failure is reported.
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, items, at: Date.now(), resolve, reject });
      this.queuedItems += items;
      this.schedule();
    });
  }

  /** Commits everything accepted so far; resolves when nothing is waiting or in flight. */
  async drain(): Promise<void> {
    while (this.queue.length || this.inFlight.size) {
      this.startCommit();
      await Promise.all(this.inFlight);
    }
  }

  /** Refuses new batches, then drains. Does not close the store. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  stats(): WriterStats {
    return { pendingItems: this.queuedItems + this.inFlightItems, queuedBatches: this.queue.length, ...this.counters };
  }

  private schedule(): void {
    if (this.inFlight.size >= this.concurrency) return; // a running commit starts the next one when it ends
    if (this.queuedItems >= this.opts.maxGroupItems || this.closed) {
      this.startCommit();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.startCommit();
    }, this.opts.maxDelayMs);
  }

  private startCommit(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.queue.length || this.inFlight.size >= this.concurrency) return;
    let n = 0;
    let items = 0;
    while (n < this.queue.length && (n === 0 || items + this.queue[n]!.items <= this.opts.maxGroupItems)) items += this.queue[n++]!.items;
    const group = this.queue.splice(0, n);
    this.queuedItems -= items;
    this.inFlightItems += items;
    const commit: Promise<void> = this.commitGroup(group).finally(() => {
      this.inFlight.delete(commit);
      this.inFlightSince.delete(commit);
      this.inFlightItems -= items;
      // Whatever arrived during the commit has waited long enough: go again at once.
      if (this.queue.length) this.startCommit();
    });
    this.inFlight.add(commit);
    this.inFlightSince.set(commit, group[0]!.at);
  }

  private async commitGroup(group: Submission[]): Promise<void> {
    const merged = group.length === 1 ? group[0]!.batch : mergeBatches(group.map((s) => s.batch));
    markChecked(merged);
    let lastErr: unknown;
    for (let attempt = 1; attempt <= this.opts.retryAttempts; attempt++) {
      try {
        this.commitDone(group, await this.store.write(merged));
        return;
      } catch (err) {
        lastErr = err;
        this.counters.failedTries++;
        const final = attempt === this.opts.retryAttempts || isCallerError(err);
        this.onError?.(err, { attempt, batches: group.length, final: final && group.length === 1 });
        if (final) break;
        await sleep(Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (attempt - 1)));
      }
    }
    if (group.length === 1) {
      group[0]!.reject(failure(lastErr));
      return;
    }
    // Still failing: isolate. Each batch gets one try of its own, so a poisoned batch fails alone.
    for (const s of group) {
      try {
        this.commitDone([s], await this.store.write(s.batch));
      } catch (err) {
        this.counters.failedTries++;
        this.onError?.(err, { attempt: 1, batches: 1, final: true });
        s.reject(failure(err));
      }
    }
  }

  private commitDone(group: Submission[], result: WriteResult): void {
    this.counters.commits++;
    for (const s of group) this.counters.committedItems += s.items;
    settle(group, result);
  }
}

/** A 4xx from the store means the batch itself is wrong: retrying cannot help, and the caller should know why. */
function failure(err: unknown): unknown {
  return isCallerError(err) ? err : new TidemarkError(503, 'write_failed', 'Events could not be stored; nothing was recorded, retry later');
}

/** A 4xx from the store means the batch itself is wrong: retrying cannot help. */
function isCallerError(err: unknown): boolean {
  return err instanceof TidemarkError && err.status >= 400 && err.status < 500;
}

function mergeBatches(batches: WriteBatch[]): WriteBatch {
  const out: WriteBatch = { events: [], raw: [], quarantine: [], drops: [] };
  for (const b of batches) {
    for (const e of b.events) out.events.push(e);
    if (b.encoded?.ids.length) {
      out.encoded ??= { ids: [], lines: [] };
      for (const id of b.encoded.ids) out.encoded.ids.push(id);
      for (const line of b.encoded.lines) out.encoded.lines.push(line);
    }
    for (const r of b.raw) out.raw.push(r);
    for (const q of b.quarantine) out.quarantine.push(q);
    for (const d of b.drops) out.drops.push(d);
  }
  return out;
}

/** Tells each submission how many of its events it added: the first occurrence of a new id counts. */
function settle(group: Submission[], result: WriteResult): void {
  const seen = new Set(result.existingIds);
  for (const s of group) {
    let inserted = 0;
    for (const id of batchEventIds(s.batch)) {
      if (seen.has(id)) continue;
      seen.add(id);
      inserted++;
    }
    s.resolve({ inserted });
  }
}
