import fs from 'node:fs';
import path from 'node:path';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore } from '../../packages/server/src/store';
import { fmt, machineInfo, rmrf, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';

/**
 * What leaving no trace in the DuckDB file costs (docs/privacy.md): `--events` events (default 1,000,000)
 * of 20,000 visitors are written through the event store; one person (a user id, 40 events) is erased as
 * the data-subject job does it — the baseline: DELETE of the rows, the raw layer, a checkpoint — and then
 * the file is scrubbed (`scrubFreedSpace`: every table rewritten, freed blocks overwritten). Reported: both
 * times, their ratio and the file size. (Whether bytes remain is proven by test/privacy-duckdb.test.ts and
 * scrub.test.ts: at this size DuckDB compresses the ids, so a byte search would prove nothing here.)
 */
export interface ErasureBenchOptions {
  events: number;
  write: boolean;
}

const SITE_ID = '0190c000-0000-7000-8000-00000000e001';
const SUBJECT = 'erasure-bench-subject-7f3a9c@example.com';
const START = Date.UTC(2026, 4, 1);

function batch(rng: Prng, n: number, seq: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < n; i++) {
    const k = seq + i;
    const ts = START + k * 1000;
    const subject = k % 25_000 === 17;
    const e = emptyEvent({ event_id: crypto.randomUUID(), site_id: SITE_ID, ts, received_at: ts, name: 'page_view' });
    e.visitor_id = subject ? 'v-subject' : `v-${rng.int(1, 20_000)}`;
    e.session_id = `${e.visitor_id}-${Math.floor(k / 5000)}`;
    e.user_id = subject ? SUBJECT : rng.next() < 0.2 ? `user-${rng.int(1, 5000)}@mail.example` : '';
    e.path = `/p/${rng.int(1, 400)}`;
    e.url = `https://bench.example${e.path}`;
    e.host = 'bench.example';
    out.push(e);
  }
  return out;
}

export async function runErasureBench(o: ErasureBenchOptions): Promise<void> {
  const machine = machineInfo();
  const dir = path.join(process.cwd(), 'bench', '.data', `erasure-${o.events}`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir }));
  const file = path.join(dir, 'events.duckdb');
  try {
    await store.init();
    const rng = new Prng(7);
    const size = 5000;
    for (let done = 0; done < o.events; done += size) {
      await store.write({ events: batch(rng, Math.min(size, o.events - done), done), raw: [], quarantine: [], drops: [] });
    }
    const subjectEvents = Number((await store.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE user_id = ?', [SUBJECT]))[0]?.n);
    await store.query('CHECKPOINT');
    const t0 = performance.now();
    await store.eraseSubject(SITE_ID, { userId: SUBJECT });
    await store.eraseSubject(SITE_ID, { visitorId: 'v-subject' });
    await store.eraseRawMatching(SITE_ID, [SUBJECT]);
    const eraseMs = performance.now() - t0;
    const t1 = performance.now();
    const report = await store.scrubFreedSpace!();
    const scrubMs = performance.now() - t1;
    const mb = (fs.statSync(file).size / 2 ** 20).toFixed(0);
    const lines = [
      `baseline, erasure of one person (${subjectEvents} of ${fmt(o.events)} events; DELETE, raw layer, checkpoint): ${fmt(eraseMs)} ms`,
      `scrub (${report.tables} tables, ${fmt(report.rows)} rows rewritten, ${fmt(report.overwrittenBlocks)} freed blocks overwritten): ${fmt(scrubMs)} ms`,
      `the scrub costs ${(scrubMs / eraseMs).toFixed(1)}× the erasure itself; file ${mb} MiB (${fmt(report.totalBlocks)} blocks) afterwards`,
    ];
    for (const l of lines) console.log(`[erasure] ${l}`);
    if (o.write)
      writeResultSection(
        'erasure',
        `## Erasure: the DuckDB file scrubbed\n\n\`npm run bench -- erasure --events ${o.events}\`. ${machine}.\n\n### Last run (${today()})\n\n${lines.map((l) => `- ${l}`).join('\n')}`,
      );
  } finally {
    await store.close();
    rmrf(dir);
  }
}
