import type { CounterStore, CounterWindow } from '../counters';
import type { Redis } from './redis';

// INCRBY, and open the window (PEXPIRE) when this increment created the key; return count and TTL.
const INCR_WINDOW = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;
const PEEK = `local n = redis.call('GET', KEYS[1])
if not n then return nil end
return {tonumber(n), redis.call('PTTL', KEYS[1])}`;

/**
 * Fixed-window counters in Redis (login throttling, API key rate limits, signup budget) so every
 * api and collector node counts against the same budget. Same contract as the in-memory store.
 */
export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'tidemark:ctr:',
  ) {}

  async incr(key: string, windowMs: number, by = 1): Promise<CounterWindow> {
    const [count, ttl] = (await this.redis.eval(
      INCR_WINDOW,
      1,
      this.prefix + key,
      String(Math.max(1, Math.ceil(windowMs))),
      String(Math.trunc(by)),
    )) as [number, number];
    return { count: Number(count), resetAt: Date.now() + Number(ttl) };
  }

  async peek(key: string): Promise<CounterWindow | null> {
    const res = (await this.redis.eval(PEEK, 1, this.prefix + key)) as [number, number] | null;
    if (!res || Number(res[1]) <= 0) return null;
    return { count: Number(res[0]), resetAt: Date.now() + Number(res[1]) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
