import type { CanonicalEvent } from '@tidemark/core';
import type { WriteBatch } from '../store';
import { ACTIVE_WINDOW_MS, shapeRealtime, type RealtimeSnapshot, type RealtimeSource } from '../stats';
import type { Redis } from './redis';

export interface RedisRealtimeOptions {
  /** Key prefix, e.g. `tidemark:rt:`. */
  prefix: string;
  /** How long a visitor's activity is kept after their last event (a session's idle timeout). */
  ttlMs?: number;
}

/**
 * Realtime activity in Redis, written by collectors as they accept events and read by api nodes, so
 * "visitors now" does not wait for the stream workers. Per site: a sorted set of visitor ids scored
 * by their latest event time, and per visitor a small hash describing their latest session — the
 * same facts the store-backed query derives (stats/realtime.ts): current page = path of the latest
 * page_view, country/device/source of the session's first event, page views, first and last event
 * times. A set of event ids already counted makes a retried request count once.
 */
export class RedisRealtime implements RealtimeSource {
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    opts: RedisRealtimeOptions,
  ) {
    this.prefix = opts.prefix;
    this.ttlMs = opts.ttlMs ?? 30 * 60_000;
  }

  // `{site}` is a hash tag: a site's keys stay in one slot on Redis Cluster.
  private activeKey(siteId: string): string {
    return `${this.prefix}{${siteId}}:active`;
  }
  private visitorKey(siteId: string, visitorId: string): string {
    return `${this.prefix}{${siteId}}:v:${visitorId}`;
  }
  private seenKey(siteId: string, visitorId: string): string {
    return `${this.prefix}{${siteId}}:seen:${visitorId}`;
  }

  /** Records accepted events (one atomic script per event, pipelined). */
  async record(events: readonly CanonicalEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipe = this.redis.pipeline();
    for (const e of events) {
      pipe.eval(
        RECORD_SCRIPT,
        3,
        this.activeKey(e.site_id),
        this.visitorKey(e.site_id, e.visitor_id),
        this.seenKey(e.site_id, e.visitor_id),
        e.visitor_id,
        e.session_id,
        String(e.ts),
        e.name,
        e.path,
        e.country,
        e.device_type,
        e.source,
        e.event_id,
        String(this.ttlMs),
      );
    }
    const results = await pipe.exec();
    for (const [err] of results ?? []) if (err) throw err;
  }

  /** Visitors with an event in the five minutes up to `nowMs`; older entries are trimmed here. */
  async snapshot(siteId: string, nowMs: number): Promise<RealtimeSnapshot> {
    const active = this.activeKey(siteId);
    const cutoff = nowMs - ACTIVE_WINDOW_MS;
    await this.redis.zremrangebyscore(active, '-inf', `(${cutoff}`);
    // No upper bound: a visitor whose latest event arrived after `nowMs` was taken (collectors keep writing
    // while this runs) is still active, not gone.
    const ids = await this.redis.zrangebyscore(active, cutoff, '+inf');
    const rows: Record<string, unknown>[] = [];
    if (ids.length > 0) {
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.hmget(this.visitorKey(siteId, id), 'page', 'country', 'device', 'source', 'pv', 'first', 'last');
      const results = (await pipe.exec()) ?? [];
      results.forEach(([err, value], i) => {
        if (err) throw err;
        const [page, country, device, source, pv, first, last] = value as Array<string | null>;
        if (first === null || last === null) return; // expired between the two reads
        rows.push({
          visitor_id: ids[i],
          current_page: page ?? '',
          country,
          device,
          source,
          pages_viewed: Number(pv ?? 0),
          started_ms: Number(first),
          last_ms: Number(last),
        });
      });
    }
    return shapeRealtime(rows, nowMs);
  }
}

/**
 * KEYS: active zset, visitor hash, seen-ids set. ARGV: visitor, session, ts, name, path, country,
 * device, source, event id, ttl ms. An event of an older session than the one recorded is ignored;
 * a newer session replaces it (the snapshot shows each visitor's most recent session).
 */
const RECORD_SCRIPT = `
local zkey, hkey, skey = KEYS[1], KEYS[2], KEYS[3]
local visitor, sid, ts, name, path = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local ttl = tonumber(ARGV[10])
if redis.call('SADD', skey, ARGV[9]) == 0 then return 0 end
redis.call('PEXPIRE', skey, ttl)
local cur = redis.call('HMGET', hkey, 'sid', 'first', 'last', 'page_ts')
if cur[1] ~= sid then
  if cur[1] and ts < tonumber(cur[3]) then return 0 end
  redis.call('DEL', hkey)
  redis.call('HSET', hkey, 'sid', sid, 'first', ARGV[3], 'last', ARGV[3], 'country', ARGV[6], 'device', ARGV[7], 'source', ARGV[8], 'pv', 0, 'page', '', 'page_ts', -1)
  cur = { sid, ARGV[3], ARGV[3], '-1' }
end
if ts < tonumber(cur[2]) then
  redis.call('HSET', hkey, 'first', ARGV[3], 'country', ARGV[6], 'device', ARGV[7], 'source', ARGV[8])
end
local last, last_str = tonumber(cur[3]), tostring(cur[3])
if ts > last then
  last, last_str = ts, ARGV[3]
  redis.call('HSET', hkey, 'last', ARGV[3])
end
if name == 'page_view' then
  redis.call('HINCRBY', hkey, 'pv', 1)
  if ts >= tonumber(cur[4]) then redis.call('HSET', hkey, 'page', path, 'page_ts', ARGV[3]) end
end
redis.call('PEXPIRE', hkey, ttl)
local score = redis.call('ZSCORE', zkey, visitor)
if not score or tonumber(score) < last then redis.call('ZADD', zkey, last_str, visitor) end
redis.call('PEXPIRE', zkey, ttl)
return 1
`;

interface BatchWriter {
  submit(batch: WriteBatch): Promise<{ inserted: number }>;
  close(): Promise<void>;
}

/**
 * A collector's writer that also records the accepted events in realtime, before answering: the api
 * nodes see a visitor as soon as the collector has acknowledged them. The events are already
 * accepted when recording fails, so that failure is only logged (realtime misses them).
 */
export function withRealtime<W extends BatchWriter>(writer: W, realtime: RedisRealtime, onError: (err: unknown) => void): BatchWriter {
  return {
    async submit(batch) {
      const result = await writer.submit(batch);
      await realtime.record(batch.events).catch(onError);
      return result;
    },
    close: () => writer.close(),
  };
}
