/**
 * Paired comparison of the store's write path in two code versions:
 *
 *   npx tsx bench/store/paired.ts --a <repo dir> --b <repo dir> [--rounds 6] [--groups 200] [--size 1000]
 *
 * Each round runs `bench/store/write-worker.ts` of A and of B (alternating which goes first), unkeyed and
 * keyed, each in its own process on a fresh file, with the same generated groups; the result per variant is
 * the median of the per-round ratio B / A of CPU µs per event, so drift of a shared machine hits both.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import type { StoreWriteOutput } from './write-worker';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '6' },
    groups: { type: 'string', default: '200' },
    size: { type: 'string', default: '1000' },
  },
});

async function measure(repo: string, keyed: boolean, round: number): Promise<StoreWriteOutput> {
  const input = { keyed, groups: Number(values.groups), size: Number(values.size), seed: `bench-store-${round}` };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'bench/store/write-worker.ts'), JSON.stringify(input)],
    {
      cwd: repo,
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as StoreWriteOutput;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
for (const keyed of [false, true]) {
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const order = r % 2 ? [values.b!, values.a!] : [values.a!, values.b!];
    const out = new Map<string, StoreWriteOutput>();
    for (const repo of order) out.set(repo, await measure(repo, keyed, r));
    const a = out.get(values.a!)!.cpuUsPerEvent;
    const b = out.get(values.b!)!.cpuUsPerEvent;
    as.push(a);
    bs.push(b);
    ratios.push(b / a);
    console.log(`${keyed ? 'keyed  ' : 'unkeyed'} round ${r + 1}: A ${a.toFixed(2)} µs, B ${b.toFixed(2)} µs CPU per event`);
  }
  console.log(
    `${keyed ? 'keyed' : 'unkeyed'}: B/A median ratio ${median(ratios).toFixed(3)} over ${ratios.length} rounds; median A ${median(as).toFixed(2)} µs, B ${median(bs).toFixed(2)} µs`,
  );
}
