import crypto from 'node:crypto';
import { MemorySessionCache, type SessionCache, type SessionEntry } from '../ingest';
import type { Redis } from './redis';

export interface SharedSessionCacheOptions {
  /** Key prefix and pub/sub channel name. */
  prefix?: string;
  /** How long Redis keeps an entry after its last update (longer than any site's session timeout). */
  ttlMs?: number;
  maxLocalEntries?: number;
  onError?: (err: unknown) => void;
}

/** One published message: a node's changes of one tick. */
interface Update {
  /** Origin node, so a node ignores its own messages. */
  o: string;
  /** [key, entry or null for a deletion] */
  c: Array<[string, SessionEntry | null]>;
}

/**
 * The collectors' session cache shared through Redis. The pipeline asks for sessions synchronously
 * (no I/O per event), so each collector keeps a local copy that Redis keeps in step:
 * - every change is written to Redis (SET with TTL) and published on a channel all collectors follow
 *   (a tick's changes together, so a busy collector sends one message per tick, not one per event);
 * - a collector applies others' changes as they arrive (newer `lastTs` wins) and, when it starts,
 *   loads the entries Redis holds, so a restarted or added collector continues open sessions.
 * A visitor's requests to different collectors thus see one session as long as they are further apart
 * than Redis' publish latency (a millisecond or so); two requests of one visitor racing on two
 * collectors at the same instant may still open two sessions.
 */
export class SharedSessionCache implements SessionCache {
  private readonly local: MemorySessionCache;
  private readonly node = crypto.randomBytes(8).toString('hex');
  private readonly prefix: string;
  private readonly channel: string;
  private readonly ttlMs: number;
  private sub: Redis | null = null;
  private readonly pending = new Map<string, SessionEntry | null>();

  constructor(
    private readonly redis: Redis,
    private readonly opts: SharedSessionCacheOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'tidemark:sess:';
    this.channel = `${this.prefix}updates`;
    this.ttlMs = opts.ttlMs ?? 6 * 3_600_000;
    this.local = new MemorySessionCache(opts.maxLocalEntries);
  }

  /** Subscribes to other collectors' changes, then loads what Redis already holds. */
  async start(): Promise<void> {
    const sub = this.redis.duplicate();
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, message: string) => this.apply(message));
    await sub.subscribe(this.channel);
    this.sub = sub;
    await this.load();
  }

  async stop(): Promise<void> {
    this.flush();
    this.sub?.disconnect();
    this.sub = null;
  }

  get(key: string): SessionEntry | undefined {
    return this.local.get(key);
  }

  set(key: string, entry: SessionEntry): void {
    this.local.set(key, entry);
    this.queue(key, entry);
  }

  delete(key: string): void {
    this.local.delete(key);
    this.queue(key, null);
  }

  /** Changes of one tick go out together: one pipeline of SET/DEL and one message. */
  private queue(key: string, entry: SessionEntry | null): void {
    this.pending.set(key, entry);
    if (this.pending.size === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (!this.pending.size) return;
    const changes = [...this.pending];
    this.pending.clear();
    const p = this.redis.pipeline();
    for (const [key, entry] of changes) {
      if (entry) p.set(this.prefix + key, JSON.stringify(entry), 'PX', this.ttlMs);
      else p.del(this.prefix + key);
    }
    p.publish(this.channel, JSON.stringify({ o: this.node, c: changes } satisfies Update));
    p.exec().catch((err: unknown) => this.opts.onError?.(err));
  }

  private apply(message: string): void {
    let u: Update;
    try {
      u = JSON.parse(message) as Update;
    } catch {
      return;
    }
    if (u.o === this.node || !Array.isArray(u.c)) return;
    for (const change of u.c) {
      if (!Array.isArray(change) || typeof change[0] !== 'string') continue;
      if (change[1] === null) this.local.delete(change[0]);
      else this.merge(change[0], change[1]);
    }
  }

  /** Keeps the entry with the later event (messages from several collectors may cross). */
  private merge(key: string, entry: SessionEntry): void {
    if (!entry || typeof entry.sessionId !== 'string' || typeof entry.lastTs !== 'number') return;
    const cur = this.local.get(key);
    if (!cur || entry.lastTs >= cur.lastTs) this.local.set(key, entry);
  }

  private async load(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      const sessionKeys = keys.filter((k) => k !== this.channel);
      if (!sessionKeys.length) continue;
      const values = await this.redis.mget(...sessionKeys);
      sessionKeys.forEach((k, i) => {
        const v = values[i];
        if (!v) return;
        try {
          this.merge(k.slice(this.prefix.length), JSON.parse(v) as SessionEntry);
        } catch {
          // a malformed value is ignored; the next event of that visitor rewrites it
        }
      });
    } while (cursor !== '0');
  }
}
