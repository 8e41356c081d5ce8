import { fmt, machineInfo, today } from '../lib/machine';
import { runTs } from '../lib/proc';
import { writeResultSection } from '../lib/readme';
import type { StoreWriteOutput } from './write-worker';

export interface StoreBenchOptions {
  groups: number;
  size: number;
  rounds: number;
  write: boolean;
}

async function measure(keyed: boolean, o: StoreBenchOptions, round: number): Promise<StoreWriteOutput> {
  const input = { keyed, groups: o.groups, size: o.size, seed: `bench-store-${round}` };
  const out = await runTs('bench/store/write-worker.ts', [JSON.stringify(input)], 10 * 60_000);
  return JSON.parse(out.trim().split('\n').pop()!) as StoreWriteOutput;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The embedded store's write path alone (no HTTP, no pipeline): CPU per event while v7 ids are probed in
 * `events` (unkeyed, the usual case) against the same writes once a v4 id made the store key them, in
 * alternating rounds on the same machine (its speed drifts; compare the medians and their ratio).
 */
export async function runStoreBench(o: StoreBenchOptions): Promise<void> {
  const started = today();
  const machine = machineInfo();
  console.log(`[store] ${machine}`);
  const runs: StoreWriteOutput[] = [];
  for (let r = 0; r < o.rounds; r++) {
    for (const keyed of r % 2 ? [true, false] : [false, true]) {
      const m = await measure(keyed, o, r);
      runs.push(m);
      console.log(
        `[store] round ${r + 1} ${keyed ? 'keyed  ' : 'unkeyed'}: ${m.cpuUsPerEvent.toFixed(2)} µs CPU per event, ${m.wallUsPerEvent.toFixed(2)} µs wall (${fmt(m.keys)} keys)`,
      );
    }
  }
  const of = (keyed: boolean) => runs.filter((r) => r.keyed === keyed);
  const cpu = (keyed: boolean) => median(of(keyed).map((r) => r.cpuUsPerEvent));
  const wall = (keyed: boolean) => median(of(keyed).map((r) => r.wallUsPerEvent));
  const ratio = cpu(false) / cpu(true);
  console.log(
    `[store] medians: unkeyed ${cpu(false).toFixed(2)} µs, keyed ${cpu(true).toFixed(2)} µs CPU per event; unkeyed/keyed = ${(ratio * 100).toFixed(1)}%`,
  );
  if (!o.write) return;
  const list = (keyed: boolean) =>
    of(keyed)
      .map((r) => r.cpuUsPerEvent.toFixed(1))
      .join(', ');
  writeResultSection(
    'store',
    `### Last run: ${started}

Machine: ${machine}.
Load: ${fmt(o.groups)} groups of ${fmt(o.size)} encoded events (generated traffic, UUIDv7 ids) written one group per transaction into a fresh DuckDB file, ${o.rounds} alternating rounds per variant, each in its own process.

| variant | CPU µs per event (median) | wall µs per event (median) | runs (CPU µs per event) |
|---|---:|---:|---|
| unkeyed: v7 ids probed in \`events\` (the default) | ${cpu(false).toFixed(2)} | ${wall(false).toFixed(2)} | ${list(false)} |
| keyed: every v7 id also appended to \`event_keys\` | ${cpu(true).toFixed(2)} | ${wall(true).toFixed(2)} | ${list(true)} |

**Unkeyed / keyed CPU: ${(ratio * 100).toFixed(1)}%.** Keyed is also what every write cost before 2026-12-03.`,
  );
  console.log('[store] results written to bench/README.md');
}
