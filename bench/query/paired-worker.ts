/**
 * One side of `bench/query/paired.ts`: opens the stats engine on a query-bench data directory (as the
 * query bench does) and, for each line `<period index>` on stdin, times one dashboard overview and
 * prints `{"ms": …, "visitors": …}`. Argument 2 `no-daily` hides the daily marks cube from the
 * planner (the plans then read the hourly cube), to measure what that layer gives.
 */
import readline from 'node:readline';
import { openDuckDbTimer } from './duckdb';
import { PERIODS } from './overview';

const [dir, variant] = process.argv.slice(2);
const timer = await openDuckDbTimer(dir!, { dailyCube: variant !== 'no-daily' });
console.log(JSON.stringify({ ready: true }));
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line === 'quit') break;
  const t0 = performance.now();
  const r = await timer.overview(PERIODS[Number(line)]!);
  console.log(JSON.stringify({ ms: performance.now() - t0, visitors: r.metrics.visitors?.value }));
}
await timer.close();
process.exit(0);
