import type { WriteBatch, WriteResult } from '../store';
import type { Metrics } from './metrics';

/** A store's write, timed and counted for /metrics: commit sizes and durations, events stored, drops and quarantine by reason. */
export function instrumentWrites<S extends { write(batch: WriteBatch): Promise<WriteResult> }>(store: S, metrics: Metrics): S {
  // Bound once per original function, so the hot path (every store call through the writer) does not bind
  // on each read, while a method replaced on the store later is still the one that runs.
  const bound = new WeakMap<object, unknown>();
  const counted = (batches: readonly WriteBatch[]) => {
    for (const batch of batches) {
      metrics.commitSize.observe(batch.events.length + (batch.encoded?.ids.length ?? 0));
      metrics.collected.inc(batch.events.length + (batch.encoded?.ids.length ?? 0));
      for (const d of batch.drops) metrics.dropped.inc({ reason: d.reason }, d.count);
      for (const q of batch.quarantine) metrics.quarantined.inc({ reason: q.reason });
    }
  };
  const timed = async <T>(run: () => Promise<T>, batches: readonly WriteBatch[]): Promise<T> => {
    const end = metrics.commitDuration.startTimer();
    try {
      const result = await run();
      end();
      counted(batches);
      return result;
    } catch (err) {
      metrics.commitFailures.inc();
      throw err;
    }
  };
  // Looked up at call time: whatever replaces the store's write later (a fault injected in tests) is what runs.
  const write = (batch: WriteBatch) => timed(() => store.write(batch), [batch]);
  // The stream worker's keyed writes (scale-out): its batches are counted where they are stored, as in one process.
  const keyed = store as S & { writeKeyed?(parts: ReadonlyArray<{ key: string; batch: WriteBatch }>): Promise<WriteResult> };
  const writeKeyed = (parts: ReadonlyArray<{ key: string; batch: WriteBatch }>) =>
    timed(
      () => keyed.writeKeyed!(parts),
      parts.map((p) => p.batch),
    );
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'write') return write;
      if (prop === 'writeKeyed' && typeof keyed.writeKeyed === 'function') return writeKeyed;
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      let b = bound.get(v);
      if (!b) {
        b = v.bind(target);
        bound.set(v, b);
      }
      return b;
    },
  });
}
