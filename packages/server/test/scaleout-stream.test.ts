import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { ClickHouseEventStore, type WriteBatch } from '../src/store';
import {
  deadLetterKey,
  encodeBatch,
  ensureGroup,
  LeaderLock,
  openRedis,
  RedisCounterStore,
  SharedSessionCache,
  StreamProducer,
  StreamWorker,
  type Redis,
} from '../src/scaleout';
import {
  clickhouseAvailable,
  clickhouseDatabaseUrl,
  CLICKHOUSE_TEST_URL,
  openTempClickHouseStore,
  redisAvailable,
  REDIS_TEST_URL,
  uniqueName,
} from './helpers/scaleout';

const redisStatus = await redisAvailable('scaleout-queue');
const chStatus = redisStatus.ok ? await clickhouseAvailable('scaleout-queue') : redisStatus;

const SITE = 'site_q';
const T0 = Date.parse('2024-05-01T10:00:00Z');
let seq = 0;
const ev = (name = 'page_view'): CanonicalEvent => ({
  ...emptyEvent({ event_id: crypto.randomUUID(), site_id: SITE, ts: T0 + seq, received_at: T0 + seq++, name }),
  visitor_id: 'v',
  session_id: 's',
});
const batch = (events: CanonicalEvent[], drops: WriteBatch['drops'] = []): WriteBatch => ({ events, raw: [], quarantine: [], drops });

/** Polls until `fn` returns true (no timing assertions: only an upper bound so a broken test ends). */
async function until(fn: () => Promise<boolean> | boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const openConnections: Redis[] = [];
function redis(): Redis {
  const r = openRedis(REDIS_TEST_URL);
  openConnections.push(r);
  return r;
}
afterAll(async () => {
  for (const r of openConnections) r.disconnect();
});

describe.skipIf(!redisStatus.ok)('stream producer', () => {
  it('adds a batch per submit and resolves once Redis has it', async () => {
    const r = redis();
    const stream = uniqueName('tm:test:prod');
    const p = new StreamProducer(r, { stream });
    const b = batch([ev(), ev()], [{ site_id: SITE, day: '2024-05-01', reason: 'bot', count: 1 }]);
    expect(await p.submit(b)).toEqual({ inserted: 2 });
    const entries = (await r.xrange(stream, '-', '+')) as Array<[string, string[]]>;
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]![1][1]!)).toEqual(JSON.parse(encodeBatch(b)));
    await r.del(stream);
  });

  it('refuses invalid batches (400) before they reach the stream, and sheds load past its backlog (503)', async () => {
    const r = redis();
    const stream = uniqueName('tm:test:prod');
    const p = new StreamProducer(r, { stream, maxBacklog: 2 });
    await expect(p.submit(batch([{ ...ev(), event_id: 'not-a-uuid' }]))).rejects.toMatchObject({ status: 400 });
    expect(await r.xlen(stream)).toBe(0);
    await p.submit(batch([ev()]));
    await p.submit(batch([ev()]));
    await new Promise((res) => setTimeout(res, 1100)); // the backlog is sampled once a second
    await expect(p.submit(batch([ev()]))).rejects.toMatchObject({ status: 503, code: 'overloaded' });
    await p.close();
    await expect(p.submit(batch([ev()]))).rejects.toMatchObject({ status: 503, code: 'shutting_down' });
    await r.del(stream);
  });

  it('answers 503 when Redis is unreachable', async () => {
    const dead = openRedis('redis://127.0.0.1:1/0', { commandTimeoutMs: 500 });
    openConnections.push(dead);
    const p = new StreamProducer(dead, { stream: 'x' });
    await expect(p.submit(batch([ev()]))).rejects.toMatchObject({ status: 503, code: 'queue_unavailable' });
  });
});

describe.skipIf(!chStatus.ok)('stream worker into ClickHouse', () => {
  let store: ClickHouseEventStore;
  const workers: StreamWorker[] = [];
  beforeAll(async () => {
    store = await openTempClickHouseStore('tidemark_queue');
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await store?.close();
  });
  const countName = async (name: string) =>
    Number((await store.query<{ n: number }>('SELECT count() AS n FROM events WHERE site_id = ? AND name = ?', [SITE, name]))[0]?.n);
  const worker = (r: Redis, stream: string, w: ClickHouseEventStore = store, opts = {}) => {
    const wk = new StreamWorker(r, w, {
      stream,
      flushIntervalMs: 50,
      minIdleMs: 500,
      claimEveryMs: 100,
      retryBaseMs: 20,
      retryMaxMs: 200,
      ...opts,
    });
    workers.push(wk);
    return wk;
  };

  it('writes entries to ClickHouse and removes them from the stream once written', async () => {
    const r = redis();
    const stream = uniqueName('tm:test:w');
    const p = new StreamProducer(r, { stream });
    for (let i = 0; i < 20; i++)
      await p.submit(batch([ev('w_basic'), ev('w_basic')], [{ site_id: SITE, day: '2024-05-01', reason: 'w_basic', count: 1 }]));
    const w = worker(r, stream);
    await w.start();
    await until(async () => (await countName('w_basic')) === 40, '40 events stored');
    await until(async () => (await r.xlen(stream)) === 0, 'stream emptied');
    const pending = (await r.xpending(stream, 'writers')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
    expect(await store.dropCounts(SITE, '2024-05-01', '2024-05-01')).toContainEqual({
      site_id: SITE,
      day: '2024-05-01',
      reason: 'w_basic',
      count: 20,
    });
    await r.del(stream);
  });

  it("a dead consumer's pending entries are claimed by another worker and stored once, even if partly written", async () => {
    const r = redis();
    const stream = uniqueName('tm:test:claim');
    const p = new StreamProducer(r, { stream });
    const batches = Array.from({ length: 10 }, () =>
      batch([ev('w_claim'), ev('w_claim'), ev('w_claim')], [{ site_id: SITE, day: '2024-05-02', reason: 'w_claim', count: 2 }]),
    );
    for (const b of batches) await p.submit(b);
    // A worker that read everything, wrote half of it, and died before acknowledging anything.
    await ensureGroup(r, stream, 'writers');
    const res = (await r.xreadgroup('GROUP', 'writers', 'dead-worker', 'COUNT', 100, 'STREAMS', stream, '>')) as Array<
      [string, Array<[string, string[]]>]
    >;
    const delivered = res[0]![1];
    expect(delivered).toHaveLength(10);
    await store.writeKeyed(delivered.slice(0, 5).map(([id], i) => ({ key: id, batch: batches[i]! })));
    expect(await countName('w_claim')).toBe(15);
    const w = worker(r, stream);
    await w.start();
    await until(async () => (await r.xlen(stream)) === 0, 'claimed entries written and acknowledged');
    expect(w.stats.entriesClaimed).toBe(10);
    expect(await countName('w_claim')).toBe(30);
    expect(await store.dropCounts(SITE, '2024-05-02', '2024-05-02')).toEqual([
      { site_id: SITE, day: '2024-05-02', reason: 'w_claim', count: 20 },
    ]);
    await r.del(stream);
  });

  it('keeps retrying while ClickHouse is unreachable and writes everything once it is back', async () => {
    const r = redis();
    const stream = uniqueName('tm:test:outage');
    // A loopback proxy in front of ClickHouse that the test can cut.
    const target = new URL(CLICKHOUSE_TEST_URL);
    const sockets = new Set<net.Socket>();
    let open = false;
    const proxy = net.createServer((client) => {
      if (!open) return client.destroy();
      const upstream = net.connect(Number(target.port || 8123), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((res) => proxy.listen(0, '127.0.0.1', res));
    try {
      const port = (proxy.address() as net.AddressInfo).port;
      const viaProxy = new ClickHouseEventStore(clickhouseDatabaseUrl(store.database).replace(/\/\/[^/]+\//, `//127.0.0.1:${port}/`));
      const errors: string[] = [];
      const w = worker(r, stream, viaProxy, {
        onError: (err: unknown, info: { stage: string }) => errors.push(`${info.stage}: ${String(err)}`),
      });
      await w.start();
      const p = new StreamProducer(r, { stream });
      for (let i = 0; i < 5; i++) await p.submit(batch([ev('w_outage')]));
      await until(() => w.stats.failedWrites >= 3, 'a few failed tries');
      expect(await r.xlen(stream)).toBe(5);
      expect(errors.some((e) => e.startsWith('write:'))).toBe(true);
      open = true;
      await until(async () => (await r.xlen(stream)) === 0, 'entries written after recovery');
      expect(await countName('w_outage')).toBe(5);
    } finally {
      for (const s of sockets) s.destroy();
      proxy.close();
      await r.del(stream);
    }
  });

  it('moves entries that cannot be stored to the dead-letter stream and writes the rest', async () => {
    const r = redis();
    const stream = uniqueName('tm:test:dead');
    await r.xadd(stream, '*', 'b', '{not json');
    await r.xadd(stream, '*', 'b', JSON.stringify(batch([{ ...ev('w_dead'), ts: Number.NaN }])));
    await r.xadd(stream, '*', 'b', encodeBatch(batch([ev('w_dead_ok')])));
    const w = worker(r, stream);
    await w.start();
    await until(async () => (await r.xlen(stream)) === 0, 'stream drained');
    expect(await countName('w_dead_ok')).toBe(1);
    expect(await countName('w_dead')).toBe(0);
    const dead = (await r.xrange(deadLetterKey(stream), '-', '+')) as Array<[string, string[]]>;
    expect(dead).toHaveLength(2);
    expect(dead.map(([, f]) => f[f.indexOf('reason') + 1])).toEqual([expect.stringMatching(/not JSON/), expect.stringMatching(/ts/)]);
    expect(w.stats.entriesDeadLettered).toBe(2);
    await r.del(stream, deadLetterKey(stream));
  });
});

describe.skipIf(!redisStatus.ok)('leader lock', () => {
  it('lets one node lead, hands over on release, and on expiry when the leader goes silent', async () => {
    const key = uniqueName('tm:test:leader');
    const aConn = redis();
    const a = new LeaderLock(aConn, key, { ttlMs: 600, retryMs: 50 });
    const b = new LeaderLock(redis(), key, { ttlMs: 600, retryMs: 50 });
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    await a.stop();
    await until(() => b.isLeader, 'b leads after a released');
    const c = new LeaderLock(aConn, key, { ttlMs: 600, retryMs: 50 });
    await c.start();
    expect(c.isLeader).toBe(false);
    // b's Redis connection goes away: it must stop claiming leadership, and c takes over.
    (b as unknown as { redis: Redis }).redis.disconnect();
    await until(() => !b.isLeader, 'b steps down');
    await until(() => c.isLeader, "c leads after b's lock expired");
    expect(b.isLeader).toBe(false);
    await b.stop();
    await c.stop();
  });
});

describe.skipIf(!redisStatus.ok)('Redis counters', () => {
  it('counts per window across nodes and resets', async () => {
    const prefix = `${uniqueName('tm:test:ctr')}:`;
    const n1 = new RedisCounterStore(redis(), prefix);
    const n2 = new RedisCounterStore(redis(), prefix);
    expect(await n1.peek('k')).toBeNull();
    const w1 = await n1.incr('k', 60_000);
    const w2 = await n2.incr('k', 60_000);
    expect([w1.count, w2.count]).toEqual([1, 2]);
    expect(w2.resetAt).toBeGreaterThan(Date.now());
    expect((await n1.peek('k'))?.count).toBe(2);
    await n2.reset('k');
    expect(await n1.peek('k')).toBeNull();
    await n1.incr('short', 100);
    await until(async () => (await n2.peek('short')) === null, 'window closed');
    expect((await n2.incr('short', 100)).count).toBe(1);
    // Several at once (events of a request), the window opened by the first.
    expect((await n1.incr('many', 60_000, 7)).count).toBe(7);
    expect((await n2.incr('many', 60_000, 5)).count).toBe(12);
  });
});

describe.skipIf(!redisStatus.ok)('shared session cache', () => {
  it('propagates sessions between collectors and to a collector that starts later', async () => {
    const prefix = `${uniqueName('tm:test:sess')}:`;
    const a = new SharedSessionCache(redis(), { prefix });
    const b = new SharedSessionCache(redis(), { prefix });
    await a.start();
    await b.start();
    a.set('site:v1', { sessionId: 's1', lastTs: 1000 });
    await until(() => b.get('site:v1')?.sessionId === 's1', "b sees a's session");
    b.set('site:v1', { sessionId: 's1', lastTs: 2000 });
    await until(() => a.get('site:v1')?.lastTs === 2000, "a sees b's update");
    const c = new SharedSessionCache(redis(), { prefix });
    await c.start();
    expect(c.get('site:v1')).toEqual({ sessionId: 's1', lastTs: 2000 });
    a.delete('site:v1');
    await until(() => b.get('site:v1') === undefined && c.get('site:v1') === undefined, 'deletion propagated');
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  });
});
