import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TidemarkError } from '@tidemark/core';
import { DuckDbEventStore } from './duckdb/event-store';
import type { EventStore, WriteBatch, WriteResult } from './event-store';
import { GroupCommitWriter } from './writer';
import { batchOf, makeEvent, tempDir } from '../../test/helpers/events';
import { encodeEvents } from './duckdb/event-pack';

const dirs: string[] = [];
const stores: DuckDbEventStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function openStore(): Promise<DuckDbEventStore> {
  const dir = tempDir('writer');
  dirs.push(dir);
  const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
  await store.init();
  stores.push(store);
  return store;
}

/** The real store behind a switch that can hold writes or make them fail (fault injection, not a stand-in). */
class FaultyStore {
  writes = 0;
  failNext = 0;
  poisonId: string | null = null;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  constructor(private readonly inner: Pick<EventStore, 'write'>) {}
  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }
  release(): void {
    this.openGate?.();
    this.gate = null;
  }
  async write(batch: WriteBatch): Promise<WriteResult> {
    this.writes++;
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('injected I/O failure');
    }
    if (this.poisonId && batch.events.some((e) => e.event_id === this.poisonId)) throw new Error('injected poison');
    return this.inner.write(batch);
  }
}

const countEvents = async (store: DuckDbEventStore) => (await store.query<{ n: number }>('SELECT count(*) AS n FROM events'))[0]!.n;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as TidemarkError,
  );

describe('GroupCommitWriter', () => {
  it('merges concurrent submissions into one commit and acks each once its rows are stored', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store, { maxDelayMs: 50, maxGroupItems: 10_000 });
    const batches = Array.from({ length: 50 }, () => batchOf([makeEvent(), makeEvent()]));
    const results = await Promise.all(batches.map((b) => writer.submit(b)));
    expect(results.every((r) => r.inserted === 2)).toBe(true);
    expect(writer.stats().commits).toBe(1);
    expect(await countEvents(store)).toBe(100);
  });

  it('runs as many commits at once as the store takes, and no more', async () => {
    for (const concurrency of [1, 2]) {
      const faulty = Object.assign(new FaultyStore(await openStore()), { writeConcurrency: concurrency });
      const writer = new GroupCommitWriter(faulty, { maxDelayMs: 1 });
      faulty.hold();
      const first = writer.submit(batchOf([makeEvent()]));
      await new Promise((r) => setTimeout(r, 30));
      const second = writer.submit(batchOf([makeEvent()]));
      const third = writer.submit(batchOf([makeEvent()]));
      await new Promise((r) => setTimeout(r, 30));
      // One held commit: with room for two, the next group is already being written; with one, it waits.
      expect(faulty.writes).toBe(concurrency);
      faulty.release();
      expect((await Promise.all([first, second, third])).map((r) => r.inserted)).toEqual([1, 1, 1]);
      expect(writer.stats().commits).toBe(2);
    }
  });

  it('commits at once when a group is full, splitting larger queues into several groups', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store, { maxDelayMs: 60_000, maxGroupItems: 20 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => writer.submit(batchOf(Array.from({ length: 10 }, () => makeEvent())))),
    );
    expect(results.map((r) => r.inserted)).toEqual([10, 10, 10, 10, 10, 10]);
    expect(writer.stats().commits).toBe(3);
  });

  it('dedupes across submissions of one group and against earlier groups, telling each caller what it added', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store, { maxDelayMs: 20 });
    const shared = makeEvent();
    const [a, b] = await Promise.all([
      writer.submit(batchOf([shared, makeEvent()])),
      writer.submit(batchOf([{ ...shared }, makeEvent(), makeEvent()])),
    ]);
    expect([a.inserted, b.inserted]).toEqual([2, 2]);
    const retry = await writer.submit(batchOf([{ ...shared }]));
    expect(retry.inserted).toBe(0);
    expect(await countEvents(store)).toBe(4);
  });

  it('merges encoded batches with object batches and counts what each added', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store, { maxDelayMs: 20 });
    const shared = makeEvent();
    const coded = encodeEvents([shared, makeEvent(), makeEvent()]).encoded;
    const [a, b] = await Promise.all([writer.submit(batchOf([shared, makeEvent()])), writer.submit(batchOf([], { encoded: coded }))]);
    expect([a.inserted, b.inserted]).toEqual([2, 2]);
    expect(writer.stats().commits).toBe(1);
    const retry = await writer.submit(batchOf([], { encoded: encodeEvents([{ ...shared }]).encoded }));
    expect(retry.inserted).toBe(0);
    expect(await countEvents(store)).toBe(4);
  });

  it('answers 503 overloaded at once when the pending bound is reached, and accepts again after', async () => {
    const faulty = new FaultyStore(await openStore());
    const writer = new GroupCommitWriter(faulty, { maxDelayMs: 1, maxPendingItems: 10 });
    faulty.hold();
    const first = writer.submit(batchOf(Array.from({ length: 6 }, () => makeEvent())));
    const second = writer.submit(batchOf(Array.from({ length: 4 }, () => makeEvent())));
    const refused = await errorOf(writer.submit(batchOf([makeEvent()])));
    expect(refused).toBeInstanceOf(TidemarkError);
    expect([refused!.status, refused!.code]).toEqual([503, 'overloaded']);
    expect(writer.stats().pendingItems).toBe(10);
    faulty.release();
    expect((await first).inserted + (await second).inserted).toBe(10);
    expect((await writer.submit(batchOf([makeEvent()]))).inserted).toBe(1);
  });

  it('takes a batch larger than the bound when idle, so it is never refused forever', async () => {
    const writer = new GroupCommitWriter(await openStore(), { maxPendingItems: 5 });
    expect((await writer.submit(batchOf(Array.from({ length: 8 }, () => makeEvent())))).inserted).toBe(8);
  });

  it('retries a failed commit with backoff and never loses or doubles the batch', async () => {
    const store = await openStore();
    const faulty = new FaultyStore(store);
    const errors: number[] = [];
    const writer = new GroupCommitWriter(faulty, { retryBaseMs: 1, onError: (_e, info) => errors.push(info.attempt) });
    faulty.failNext = 3;
    const events = [makeEvent(), makeEvent()];
    const raw = [{ id: events[0]!.event_id, site_id: 'site-a', received_at: Date.now(), contract: 'c', body: '{}' }];
    expect(
      (await writer.submit(batchOf(events, { raw, drops: [{ site_id: 'site-a', day: '2025-01-01', reason: 'bot', count: 1 }] }))).inserted,
    ).toBe(2);
    expect(errors).toEqual([1, 2, 3]);
    expect(faulty.writes).toBe(4);
    expect(await countEvents(store)).toBe(2);
    expect(await store.dropCounts('site-a', '2025-01-01', '2025-01-01')).toEqual([
      { site_id: 'site-a', day: '2025-01-01', reason: 'bot', count: 1 },
    ]);
    expect((await store.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads'))[0]!.n).toBe(1);
  });

  it('refuses with 503 write_failed when every try fails, having stored nothing', async () => {
    const store = await openStore();
    const faulty = new FaultyStore(store);
    const writer = new GroupCommitWriter(faulty, { retryBaseMs: 1, retryAttempts: 3 });
    faulty.failNext = 3;
    const err = await errorOf(writer.submit(batchOf([makeEvent()])));
    expect([err?.status, err?.code]).toEqual([503, 'write_failed']);
    expect(await countEvents(store)).toBe(0);
    expect((await writer.submit(batchOf([makeEvent()]))).inserted).toBe(1); // the writer carries on
  });

  it('isolates a batch that keeps failing so the others in its group are still stored', async () => {
    const store = await openStore();
    const faulty = new FaultyStore(store);
    const writer = new GroupCommitWriter(faulty, { retryBaseMs: 1, retryAttempts: 2, maxDelayMs: 20 });
    const poison = makeEvent();
    faulty.poisonId = poison.event_id;
    const outcomes = await Promise.allSettled([
      writer.submit(batchOf([makeEvent()])),
      writer.submit(batchOf([poison, makeEvent()])),
      writer.submit(batchOf([makeEvent(), makeEvent()])),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as TidemarkError).code).toBe('write_failed');
    expect(await countEvents(store)).toBe(3);
  });

  it('stores events packed early at submit exactly, separator characters and all', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store, { maxDelayMs: 20 });
    const odd = makeEvent({ title: 'a\x1fb\x1ec', path: '/odd' });
    const plain = makeEvent({ title: 'Ünïcode — "quotes"', props: { k: 'v\x1f' }, scroll_depth: 40 });
    await Promise.all([writer.submit(batchOf([odd])), writer.submit(batchOf([plain]))]);
    const rows = await store.query<{ id: string; title: string; props: string; scroll_depth: number | null }>(
      'SELECT CAST(event_id AS VARCHAR) AS id, title, props, scroll_depth FROM events ORDER BY path',
    );
    expect(rows).toEqual([
      { id: odd.event_id, title: odd.title, props: '{}', scroll_depth: null },
      { id: plain.event_id, title: plain.title, props: JSON.stringify(plain.props), scroll_depth: 40 },
    ]);
  });

  it('refuses an invalid batch with 400 without queueing it', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store);
    const err = await errorOf(writer.submit(batchOf([makeEvent({ event_id: 'x' })])));
    expect(err?.status).toBe(400);
    expect(writer.stats().pendingItems).toBe(0);
  });

  it('drain commits everything accepted; after close, submit answers 503', async () => {
    const store = await openStore();
    const writer = new GroupCommitWriter(store, { maxDelayMs: 60_000, maxGroupItems: 1_000_000 });
    let acked = 0;
    const pending = Array.from({ length: 20 }, () => writer.submit(batchOf([makeEvent()])).then(() => acked++));
    await writer.drain();
    expect(acked).toBe(20);
    expect(await countEvents(store)).toBe(20);
    const late = writer.submit(batchOf([makeEvent()]));
    await writer.close();
    await expect(late).resolves.toEqual({ inserted: 1 });
    const err = await errorOf(writer.submit(batchOf([makeEvent()])));
    expect([err?.status, err?.code]).toEqual([503, 'shutting_down']);
    await Promise.all(pending);
    expect(await countEvents(store)).toBe(21);
  });
});
