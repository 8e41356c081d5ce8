import crypto from 'node:crypto';
import type { Redis } from './redis';

// Compare-and-act scripts: only the holder of the token may renew or release the lock.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaderLockOptions {
  /** How long the lock outlives its holder's last renewal. */
  ttlMs?: number;
  /** How often a follower tries to take the lock (and the leader renews it: every ttl/3). */
  retryMs?: number;
  onChange?: (leader: boolean) => void;
  onError?: (err: unknown) => void;
}

/**
 * Leader election for scheduled jobs (raw retention, …) across any number of `jobs` nodes:
 * SET key token NX PX ttl, renewed every ttl/3 by the holder. A holder that cannot renew in time
 * (Redis unreachable, process frozen) stops calling itself leader before its lock can expire, so two
 * nodes never both believe they lead; a dead holder's lock expires after ttl and another node takes it.
 * Jobs must still be safe to run twice (ours are: deleting what is older than a cutoff).
 */
export class LeaderLock {
  private readonly token = crypto.randomBytes(16).toString('hex');
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private leaderUntil = 0;
  private leading = false;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly opts: LeaderLockOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.retryMs = opts.retryMs ?? Math.max(100, Math.floor(this.ttlMs / 3));
  }

  /** True while this process holds the lock (with a safety margin before it could expire). */
  get isLeader(): boolean {
    return this.leading && Date.now() < this.leaderUntil;
  }

  /** Starts trying to lead; resolves after the first attempt. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.leading ? Math.floor(this.ttlMs / 3) : this.retryMs;
    this.timer = setTimeout(() => void this.tick(), next);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    try {
      const ok = this.leading
        ? (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs))) === 1
        : (await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX')) === 'OK';
      // Count the lease from before the request: the key may have been set at any point during it.
      if (ok) this.leaderUntil = started + Math.floor((this.ttlMs * 2) / 3);
      this.setLeading(ok);
    } catch (err) {
      this.opts.onError?.(err);
      if (Date.now() >= this.leaderUntil) this.setLeading(false);
    }
    this.schedule();
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.opts.onChange?.(leading);
  }

  /** Stops trying; a leader releases the lock so another node takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.leading) {
      this.setLeading(false);
      await this.redis.eval(RELEASE, 1, this.key, this.token).catch((err: unknown) => this.opts.onError?.(err));
    }
  }
}

/**
 * Runs `job` every `everyMs`, only on the node holding `lock`. Returns a stop function.
 */
export function everyAsLeader(
  lock: LeaderLock,
  everyMs: number,
  job: () => Promise<unknown>,
  onError: (err: unknown) => void = () => {},
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (!lock.isLeader || running) return;
    running = true;
    job()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
