import type { Redis } from 'ioredis';

/** What waits in the stream: every entry not yet written (workers delete entries once written), and the oldest one's age. */
export interface StreamBacklog {
  waiting: number;
  /** When the oldest waiting entry was added (ms, from its id), or null when none waits. */
  oldestAt: number | null;
}

/**
 * Workers XACK and XDEL each entry once its batch is stored, and invalid batches move to the dead-letter
 * stream: so the stream's length is its backlog (read and unacknowledged, plus not yet read), and its
 * first entry's id carries the time the oldest of them was added.
 */
export async function streamBacklog(redis: Redis, stream: string): Promise<StreamBacklog> {
  const [len, first] = await Promise.all([redis.xlen(stream), redis.xrange(stream, '-', '+', 'COUNT', 1)]);
  const id = first[0]?.[0];
  return { waiting: len, oldestAt: id ? Number(id.split('-')[0]) : null };
}
