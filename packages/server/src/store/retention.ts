import type { EventStore } from './event-store';
import { repeat } from '../schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Keeps the raw layer to its retention: deletes raw payloads and quarantined events older than `days`
 * now and then every `everyMs`. Returns a stop function. `days` = 0 keeps nothing past the next sweep.
 */
export function scheduleRawRetention(
  store: Pick<EventStore, 'purgeRaw'>,
  days: number,
  opts: { everyMs?: number; onError?: (err: unknown) => void } = {},
): () => void {
  const sweep = () => {
    store.purgeRaw(Date.now() - days * DAY).catch((err) => opts.onError?.(err));
  };
  return repeat(sweep, { firstMs: 60_000, everyMs: opts.everyMs ?? HOUR });
}
