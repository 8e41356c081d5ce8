import type { CounterStore } from '../auth';
import type { DropCount, WriteBatch } from '../store';
import type { BatchSink } from './collector';
import type { DropReason } from './drop';
import { utcDay } from './lib/salts';
import { counted } from './rate-limit';

const DAY_MS = 86_400_000;
const QUARANTINE_FULL: DropReason = 'quarantine_full';

/**
 * Caps what invalid traffic can store: at most `perSiteDay` quarantined events per site and UTC day
 * (counted in the shared counters: in-process embedded, Redis at scale). Events over the cap are
 * counted as `quarantine_full` instead of their own reason, so each dropped event is still counted
 * once; the raw body of a request none of whose events was stored goes with them, as nothing of it
 * would be kept. A wrapper around the collector's sink, so both collectors (this thread, collector
 * thread) and both engines get it.
 */
export function withQuarantineBudget(sink: BatchSink, counters: CounterStore, perSiteDay: number): BatchSink {
  if (perSiteDay <= 0) return sink;
  return {
    async submit(batch: WriteBatch) {
      if (!batch.quarantine.length) return sink.submit(batch);
      return sink.submit(await trim(batch, counters, perSiteDay));
    },
  };
}

async function trim(batch: WriteBatch, counters: CounterStore, cap: number): Promise<WriteBatch> {
  // A request's batch holds one site and one receipt time; grouping keeps this right for any batch.
  const groups = new Map<string, { site: string; day: string; rows: WriteBatch['quarantine'] }>();
  for (const q of batch.quarantine) {
    const day = utcDay(q.received_at);
    const key = `${q.site_id}|${day}`;
    const g = groups.get(key);
    if (g) g.rows.push(q);
    else groups.set(key, { site: q.site_id, day, rows: [q] });
  }
  const kept: WriteBatch['quarantine'] = [];
  const refused: WriteBatch['quarantine'] = [];
  for (const g of groups.values()) {
    const dayEnd = Date.parse(`${g.day}T00:00:00Z`) + DAY_MS;
    // The window outlives its day a little (clocks of several collectors differ); the key names the day anyway.
    const w = await counted(() =>
      counters.incr(`quarantine:${g.site}:${g.day}`, Math.max(60_000, dayEnd - Date.now() + 3_600_000), g.rows.length),
    );
    const room = Math.max(0, Math.min(g.rows.length, cap - (w.count - g.rows.length)));
    kept.push(...g.rows.slice(0, room));
    refused.push(...g.rows.slice(room));
  }
  if (!refused.length) return batch;
  const storesEvents = batch.events.length > 0 || (batch.encoded?.ids.length ?? 0) > 0;
  return {
    ...batch,
    quarantine: kept,
    raw: storesEvents || kept.length ? batch.raw : [],
    drops: recount(batch.drops, refused),
  };
}

/** Moves the refused events from their own reason to quarantine_full (same site and day). */
function recount(drops: DropCount[], refused: WriteBatch['quarantine']): DropCount[] {
  const out = drops.map((d) => ({ ...d }));
  const add = (site_id: string, day: string, reason: string, count: number) => {
    const d = out.find((x) => x.site_id === site_id && x.day === day && x.reason === reason);
    if (d) d.count += count;
    else out.push({ site_id, day, reason, count });
  };
  for (const q of refused) {
    const day = utcDay(q.received_at);
    add(q.site_id, day, q.reason, -1);
    add(q.site_id, day, QUARANTINE_FULL, 1);
  }
  return out.filter((d) => d.count > 0);
}
