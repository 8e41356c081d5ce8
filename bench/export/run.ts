/**
 * `npx tsx bench/export/run.ts [--small N] [--large N]`: peak memory of the whole-site export at two
 * data sizes, beside a buffered baseline in the same run. Each size gets its own data directory
 * (testkit traffic written through the embedded store); each export runs in a fresh process.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { generateTrafficBatches } from '../../packages/testkit/src';
import { DuckDbEventStore } from '../../packages/server/src/store';
import { openMetaStore } from '../../packages/server/src/meta';
import { machineInfo, rmrf, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '100000' },
    large: { type: 'string', default: '1000000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const END = Date.UTC(2026, 0, 1);
const DAYS = 30;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function build(total: number): Promise<{ dir: string; siteId: string; written: number }> {
  const dir = path.join(os.tmpdir(), `tidemark-export-bench-${total}-${process.pid}`);
  rmrf(dir);
  const meta = await openMetaStore({ dataDir: dir });
  const org = await meta.orgs.create('Bench');
  const site = await meta.sites.create(org.id, { name: 'Bench', domain: 'bench.example' });
  await meta.close();
  const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
  await store.init();
  let written = 0;
  for (const batch of generateTrafficBatches({ siteId: site.id, days: DAYS, end: END, seed: 'export', totalEvents: total }, 20_000)) {
    await store.write({ events: batch, raw: [], quarantine: [], drops: [] });
    written += batch.length;
  }
  await store.close();
  return { dir, siteId: site.id, written };
}

interface Result {
  mode: string;
  events: number;
  bytes: number;
  ms: number;
  maxRssMiB: number;
}

const machine = machineInfo();
const rows: Array<Result & { size: number }> = [];
for (const size of [Number(values.small), Number(values.large)]) {
  const data = await build(size);
  for (const mode of ['streamed', 'buffered']) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'child.ts'), mode, data.dir, data.siteId, day(END - DAYS * 86_400_000), day(END - 1)],
      {
        encoding: 'utf8',
        env: { ...process.env, TIDEMARK_DUCKDB_MEMORY_LIMIT: process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT ?? '1GB' },
      },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as Result;
    console.log(size, r);
    rows.push({ ...r, size: data.written });
  }
  rmrf(data.dir);
}

const by = (mode: string) => rows.filter((r) => r.mode === mode);
const [s1, s2] = by('streamed');
const [b1, b2] = by('buffered');
const md = `### Site export (last run ${today()})

${machine}

Peak RSS of one process running the whole-site export (\`exports/site-export.ts\`: reports + every event as NDJSON, zipped, into a sink
draining at ~200 MB/s), beside a buffered baseline (the same event pages kept in memory, written at the end), at two data sizes.

| events | streamed: peak RSS | streamed: time | buffered: peak RSS | buffered: time |
|---:|---:|---:|---:|---:|
| ${s1!.size.toLocaleString('en-US')} | ${s1!.maxRssMiB} MiB | ${(s1!.ms / 1000).toFixed(1)} s | ${b1!.maxRssMiB} MiB | ${(b1!.ms / 1000).toFixed(1)} s |
| ${s2!.size.toLocaleString('en-US')} | ${s2!.maxRssMiB} MiB | ${(s2!.ms / 1000).toFixed(1)} s | ${b2!.maxRssMiB} MiB | ${(b2!.ms / 1000).toFixed(1)} s |

Growth of peak RSS for ${(s2!.size / s1!.size).toFixed(0)}× the events: streamed ×${(s2!.maxRssMiB / s1!.maxRssMiB).toFixed(2)}, buffered ×${(b2!.maxRssMiB / b1!.maxRssMiB).toFixed(2)}.`;
console.log(md);
if (!values['no-write']) writeResultSection('site-export', md);
