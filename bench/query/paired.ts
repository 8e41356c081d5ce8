/**
 * Paired comparison of two code versions (or two variants) on the same query-bench data:
 *
 *   npx tsx bench/query/paired.ts --a <repo dir> --a-data <data dir> --b <repo dir> --b-data <data dir> [--b-variant no-daily] [--pairs 15] [--warmup 3]
 *
 * Each side is `bench/query/paired-worker.ts` of its own repository in its own process, on its own copy
 * of a data directory of `npm run bench -- query` (DuckDB allows one process per file). The two sides'
 * overviews alternate (A B, then B A, …) after warm-ups, so drift of this shared machine hits both; the
 * result is the median of the per-pair ratio B / A, per period. Both sides must return the same visitors.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { PERIODS } from './overview';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    'a-data': { type: 'string' },
    'a-variant': { type: 'string', default: '' },
    b: { type: 'string' },
    'b-data': { type: 'string' },
    'b-variant': { type: 'string', default: '' },
    pairs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
  },
});

interface Side {
  ask(period: number): Promise<{ ms: number; visitors: number }>;
  close(): void;
}

async function side(repo: string, data: string, variant: string): Promise<Side> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'bench/query/paired-worker.ts'), data, variant], {
    cwd: repo,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value));
  await next();
  return {
    async ask(period) {
      child.stdin!.write(`${period}\n`);
      return next();
    },
    close: () => child.stdin!.end('quit\n'),
  };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const a = await side(values.a!, values['a-data']!, values['a-variant']!);
const b = await side(values.b!, values['b-data']!, values['b-variant']!);
for (let p = 0; p < PERIODS.length; p++) {
  for (let i = 0; i < Number(values.warmup); i++) {
    await a.ask(p);
    await b.ask(p);
  }
  const ratios: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < Number(values.pairs); i++) {
    const first = i % 2 ? b : a;
    const second = i % 2 ? a : b;
    const r1 = await first.ask(p);
    const r2 = await second.ask(p);
    const [ra, rb] = i % 2 ? [r2, r1] : [r1, r2];
    if (ra.visitors !== rb.visitors) throw new Error(`different visitors: ${ra.visitors} vs ${rb.visitors}`);
    as.push(ra.ms);
    bs.push(rb.ms);
    ratios.push(rb.ms / ra.ms);
  }
  console.log(
    `${PERIODS[p]!.label}: B/A median ratio ${median(ratios).toFixed(2)} over ${ratios.length} pairs; p50 A ${median(as).toFixed(0)} ms, B ${median(bs).toFixed(0)} ms`,
  );
}
a.close();
b.close();
