import type { CounterStore, CounterWindow } from '../counters';
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
export function withQuarantineBudget(sink: BatchSink, counters: CounterStore, perSiteDay: number, opts: BudgetOptions = {}): BatchSink {
  if (perSiteDay <= 0) return sink;
  const charge = budgetCharge(counters, opts.storedSince);
  return {
    async submit(batch: WriteBatch) {
      if (!batch.quarantine.length) return sink.submit(batch);
      return sink.submit(await trim(batch, charge, perSiteDay));
    },
  };
}

export interface BudgetOptions {
  /**
   * Counters that start empty with the process (in memory) learn what a site's day already holds from
   * the store, so a restart does not open a new budget: events of `siteId` quarantined since `sinceMs`.
   */
  storedSince?: (siteId: string, sinceMs: number) => Promise<number>;
}

/** Adds `n` quarantined events to a site's day; the window says how many the day holds now. */
type Charge = (site: string, day: string, n: number) => Promise<CounterWindow>;

function budgetCharge(counters: CounterStore, storedSince: BudgetOptions['storedSince']): Charge {
  const seeds = new Map<string, Promise<void>>();
  return async (site, day, n) => {
    const key = `quarantine:${site}:${day}`;
    // The window outlives its day a little (clocks of several collectors differ); the key names the day anyway.
    const windowMs = Math.max(60_000, Date.parse(`${day}T00:00:00Z`) + DAY_MS - Date.now() + 3_600_000);
    if (storedSince) {
      let seed = seeds.get(key);
      if (!seed) {
        // Before this process first charges a (site, day), what the store already holds for it is counted.
        for (const k of seeds.keys()) if (!k.endsWith(`:${day}`)) seeds.delete(k); // other days are done with
        seed = storedSince(site, Date.parse(`${day}T00:00:00Z`)).then(async (stored) => {
          if (stored > 0) await counters.incr(key, windowMs, stored);
        });
        seeds.set(key, seed);
        seed.catch(() => seeds.delete(key)); // tried again with the next batch
      }
      await seed;
    }
    return counters.incr(key, windowMs, n);
  };
}

async function trim(batch: WriteBatch, charge: Charge, cap: number): Promise<WriteBatch> {
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
    const w = await counted(() => charge(g.site, g.day, g.rows.length));
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
