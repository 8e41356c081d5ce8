import type { DropCount, WriteBatch } from '../store';
import type { BatchSink } from './collector';

export interface DropTallySink extends BatchSink {
  /** Writes what is still tallied; call after the collector finished its requests, before the writer closes. */
  close(): Promise<void>;
}

const dropsOnly = (b: WriteBatch) => !b.events.length && !b.raw.length && !b.quarantine.length && !b.encoded?.ids.length;

/**
 * Counts of requests refused before the pipeline (429 over a rate limit, 403 from a foreign origin)
 * arrive one batch per request: under a flood, thousands a second, each a write (and at scale a stream
 * entry and a ClickHouse row). The first drop-only batch of a quiet period is written at once; the
 * ones that follow within `intervalMs` are added up and written together when it ends. Such a batch
 * resolves once it is tallied. A tally that could not be written is kept and tried again.
 */
export function withDropTally(sink: BatchSink, intervalMs = 1000): DropTallySink {
  const tally = new Map<string, DropCount>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  const add = (drops: readonly DropCount[]) => {
    for (const d of drops) {
      const key = `${d.site_id}\u0000${d.day}\u0000${d.reason}`;
      const t = tally.get(key);
      if (t) t.count += d.count;
      else tally.set(key, { ...d });
    }
  };

  const flush = async () => {
    if (!tally.size) return;
    const drops = [...tally.values()];
    tally.clear();
    try {
      await sink.submit({ events: [], raw: [], quarantine: [], drops });
    } catch (err) {
      add(drops);
      throw err;
    }
  };

  const tick = () => {
    if (!tally.size) {
      timer = null; // quiet again: the next drop is written at once
      return;
    }
    flushing = flush().catch(() => undefined);
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };

  return {
    async submit(batch: WriteBatch) {
      if (!dropsOnly(batch)) return sink.submit(batch);
      if (timer) {
        add(batch.drops);
        return { inserted: 0 };
      }
      timer = setTimeout(tick, intervalMs);
      timer.unref();
      return sink.submit(batch);
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await flushing;
      await flush();
    },
  };
}
