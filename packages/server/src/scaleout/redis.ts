import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export interface RedisOptions {
  /** Shown in CLIENT LIST, e.g. `tidemark:collector:host:pid`. */
  name?: string;
  /** Per-command limit; a request waiting on Redis fails (503) rather than hanging. */
  commandTimeoutMs?: number;
}

/**
 * A Redis connection for the scale-out services. Commands fail fast while Redis is unreachable
 * (callers turn that into 503s or retries) and the connection keeps reconnecting in the background.
 */
export function openRedis(url: string, opts: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    lazyConnect: false,
  });
  // Errors surface through the commands that fail; without a listener ioredis logs each one.
  redis.on('error', () => undefined);
  return redis;
}

/** Closes a connection, waiting for replies already on their way. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
