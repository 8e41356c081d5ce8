import { LruCache } from './lru';

export interface SessionEntry {
  sessionId: string;
  /** Time of the latest event seen in the session (ms). */
  lastTs: number;
}

/**
 * Where the collector remembers each visitor's current session, keyed by site + visitor. Kept
 * synchronous so sessionizing costs no I/O per event; a shared backend (Redis) would sit behind a
 * local near-cache implementing this same interface.
 */
export interface SessionCache {
  get(key: string): SessionEntry | undefined;
  set(key: string, entry: SessionEntry): void;
  delete(key: string): void;
}

/** In-process cache: bounded LRU; stale entries simply fail the timeout check and get replaced. */
export class MemorySessionCache implements SessionCache {
  private readonly lru: LruCache<string, SessionEntry>;

  constructor(maxEntries = 250_000) {
    this.lru = new LruCache(maxEntries);
  }

  get(key: string): SessionEntry | undefined {
    return this.lru.peek(key);
  }

  set(key: string, entry: SessionEntry): void {
    this.lru.set(key, entry);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  get size(): number {
    return this.lru.size;
  }
}
