/**
 * One measurement of the embedded store's write path, in its own process so its CPU time is its own:
 * writes `groups` groups of `size` encoded events (generated traffic, UUIDv7 ids, as the collector thread
 * hands them over) into a fresh DuckDB file and prints the process CPU time per event. `keyed` first
 * stores one event with a UUIDv4 id, which makes the store key every v7 id too (dedupe.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateTraffic } from '@tidemark/testkit';
import type { CanonicalEvent } from '@tidemark/core';
import { DuckDbEventStore, encodeEvents, type EncodedEvents } from '../../packages/server/src/store';

interface Input {
  keyed: boolean;
  groups: number;
  size: number;
  seed: string;
}

export interface StoreWriteOutput {
  keyed: boolean;
  events: number;
  cpuUsPerEvent: number;
  wallUsPerEvent: number;
  keys: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]!) as Input;
  const now = Date.now();
  const events: CanonicalEvent[] = [];
  for (const e of generateTraffic({
    siteId: 'bench',
    days: 1,
    end: now,
    seed: input.seed,
    totalEvents: Math.ceil(input.groups * input.size * 1.2),
  })) {
    events.push({ ...e, received_at: now });
    if (events.length === input.groups * input.size) break;
  }
  const groups: EncodedEvents[] = [];
  for (let g = 0; g < input.groups; g++) groups.push(encodeEvents(events.slice(g * input.size, (g + 1) * input.size)).encoded);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-bench-store-'));
  const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
  try {
    await store.init();
    if (input.keyed) {
      const first = { ...events[0]!, event_id: '00000000-0000-4000-8000-000000000001' };
      await store.write({ events: [first], raw: [], quarantine: [], drops: [] });
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const encoded of groups) await store.write({ events: [], encoded, raw: [], quarantine: [], drops: [] });
    const cpu = process.cpuUsage(c0);
    const wallMs = performance.now() - t0;
    const [row] = await store.query<{ n: number | bigint }>('SELECT count(*) AS n FROM event_keys');
    const n = input.groups * input.size;
    const out: StoreWriteOutput = {
      keyed: input.keyed,
      events: n,
      cpuUsPerEvent: (cpu.user + cpu.system) / n,
      wallUsPerEvent: (wallMs * 1000) / n,
      keys: Number(row?.n ?? 0),
    };
    console.log(JSON.stringify(out));
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
