import { TidemarkError } from '@tidemark/core';
import { assertNotEncoded, checkBatch, type WriteBatch } from '../store';
import type { Redis } from './redis';
import { BATCH_FIELD, DEFAULT_STREAM, encodeBatch } from './stream';

export interface StreamProducerOptions {
  stream?: string;
  /**
   * Entries waiting in the stream beyond which `submit` answers 503 at once: when writers fall far
   * behind (ClickHouse down for long), collectors shed load instead of filling Redis' memory.
   */
  maxBacklog?: number;
  /** Told about Redis failures (the client only sees a 503). */
  onError?: (err: unknown) => void;
}

/**
 * The collector side of the stream: `submit` resolves once Redis has the batch (XADD answered), so
 * a 2xx to the client means the events are in the stream; writing them to ClickHouse is the
 * workers' job. Same contract as the embedded group-commit writer (BatchSink).
 */
export class StreamProducer {
  readonly stream: string;
  private readonly maxBacklog: number;
  private backlog = { length: 0, at: 0 };
  private inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private readonly onError: StreamProducerOptions['onError'];

  constructor(
    private readonly redis: Redis,
    opts: StreamProducerOptions = {},
  ) {
    this.stream = opts.stream ?? DEFAULT_STREAM;
    this.maxBacklog = opts.maxBacklog ?? 5_000_000;
    this.onError = opts.onError;
  }

  async submit(batch: WriteBatch): Promise<{ inserted: number }> {
    if (this.closed) throw new TidemarkError(503, 'shutting_down', 'The server is shutting down; retry shortly');
    // Invalid batches are refused here (400), so nothing a worker cannot write ever enters the stream.
    checkBatch(batch);
    assertNotEncoded(batch);
    const p = this.add(batch);
    this.inFlight.add(p);
    try {
      await p;
    } finally {
      this.inFlight.delete(p);
    }
    return { inserted: batch.events.length };
  }

  private async add(batch: WriteBatch): Promise<void> {
    try {
      await this.checkBacklog();
      await this.redis.xadd(this.stream, '*', BATCH_FIELD, encodeBatch(batch));
    } catch (err) {
      if (err instanceof TidemarkError) throw err;
      this.onError?.(err);
      throw new TidemarkError(503, 'queue_unavailable', 'Events cannot be queued right now; retry shortly');
    }
  }

  /** Checks the stream length at most once a second. */
  private async checkBacklog(): Promise<void> {
    const now = Date.now();
    if (now - this.backlog.at > 1000) this.backlog = { length: await this.redis.xlen(this.stream), at: now };
    if (this.backlog.length >= this.maxBacklog)
      throw new TidemarkError(503, 'overloaded', 'Too many events are waiting to be written; retry shortly');
  }

  /** Refuses new batches and waits for the ones being added. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }
}
