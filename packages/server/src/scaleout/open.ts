import { streamBacklog, type StreamBacklog } from './backlog';
import type { EventStore } from '../store';
import { LeaderLock } from './leader';
import { RedisRealtime } from './realtime';
import { RedisCounterStore } from './counters';
import { StreamProducer } from './producer';
import { closeRedis, openRedis, type Redis } from './redis';
import { SharedSessionCache } from './session-cache';
import { StreamWorker, type KeyedWriter } from './worker';

export interface ScaleOutOptions {
  redisUrl: string;
  /** Which parts this process runs (see app/roles.ts). */
  collect: boolean;
  consume: boolean;
  jobs: boolean;
  events: EventStore;
  /** Process name for Redis' CLIENT LIST and the stream consumer. */
  name: string;
  /** Prefix of every key (default `tidemark:`). */
  prefix?: string;
  claimIdleMs?: number;
  flushMs?: number;
  log?: (message: string, err?: unknown) => void;
}

/** The Redis-backed services of a scale-out process; `close` stops them in a safe order. */
export interface ScaleOut {
  redis: Redis;
  counters: RedisCounterStore;
  /** Collectors: sessions shared by all collectors. */
  sessions: SharedSessionCache | null;
  /** Where collected batches go when the event store is fed through the stream (ClickHouse). */
  producer: StreamProducer | null;
  worker: StreamWorker | null;
  /** Jobs: held by one jobs process at a time. */
  leader: LeaderLock | null;
  /** Realtime activity: recorded by collectors as they accept events, read by api nodes. */
  realtime: RedisRealtime;
  /** Whether the event store is fed through the stream (ClickHouse); DuckDB is written in-process. */
  streamed: boolean;
  /** The stream's backlog (any node can read it; /metrics and the System page). */
  backlog(): Promise<StreamBacklog>;
  close(): Promise<void>;
}

const isKeyedWriter = (s: unknown): s is KeyedWriter => typeof (s as KeyedWriter).writeKeyed === 'function';

export async function openScaleOut(opts: ScaleOutOptions): Promise<ScaleOut> {
  const log = opts.log ?? (() => undefined);
  const prefix = opts.prefix ?? 'tidemark:';
  const stream = `${prefix}events`;
  const redis = openRedis(opts.redisUrl, { name: opts.name, commandTimeoutMs: 5000 });
  const stoppers: Array<() => Promise<void>> = [];
  try {
    await redis.ping();
    // Only an engine that takes keyed, idempotent writes is fed through the stream (DuckDB is written in-process).
    const streamed = isKeyedWriter(opts.events);
    let sessions: SharedSessionCache | null = null;
    if (opts.collect) {
      sessions = new SharedSessionCache(redis, { prefix: `${prefix}sess:`, onError: (err) => log('session cache update failed', err) });
      await sessions.start();
      stoppers.push(() => sessions!.stop());
    }
    const producer =
      opts.collect && streamed ? new StreamProducer(redis, { stream, onError: (err) => log('stream add failed', err) }) : null;
    let worker: StreamWorker | null = null;
    if (opts.consume && streamed) {
      worker = new StreamWorker(redis, opts.events as unknown as KeyedWriter, {
        stream,
        minIdleMs: opts.claimIdleMs,
        flushIntervalMs: opts.flushMs,
        onError: (err, info) => log(`stream worker ${info.stage} failed (${info.entries} entries; retried)`, err),
      });
      await worker.start();
      stoppers.push(() => worker!.stop());
    }
    let leader: LeaderLock | null = null;
    if (opts.jobs) {
      leader = new LeaderLock(redis, `${prefix}leader:jobs`, {
        onChange: (leading) => log(leading ? 'jobs: this process is the leader' : 'jobs: leadership lost'),
        onError: (err) => log('jobs leader lock renewal failed', err),
      });
      await leader.start();
      stoppers.push(() => leader!.stop());
    }
    return {
      redis,
      counters: new RedisCounterStore(redis, `${prefix}ctr:`),
      sessions,
      producer,
      worker,
      leader,
      realtime: new RedisRealtime(redis, { prefix: `${prefix}rt:` }),
      streamed,
      backlog: () => streamBacklog(redis, stream),
      async close() {
        for (const stop of stoppers.reverse()) await stop().catch((err) => log('scale-out shutdown step failed', err));
        await closeRedis(redis);
      },
    };
  } catch (err) {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    redis.disconnect();
    throw err;
  }
}
