import os from 'node:os';
import fs from 'node:fs';

/** What the numbers were measured on; printed with every result. */
export function machineInfo(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${os.availableParallelism()} vCPU (${model}), ${memGiB} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}, load average at start ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function rmrf(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

/** Percentile (nearest-rank) of an unsorted list of numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export interface Timing {
  runs: number;
  p50: number;
  p95: number;
  max: number;
}

/** Times `fn` `runs` times after `warmup` untimed runs, stopping early (but after 3 runs) past `budgetMs`. */
export async function time<T>(fn: () => Promise<T>, runs: number, warmup: number, budgetMs: number): Promise<{ timing: Timing; last: T }> {
  let last!: T;
  for (let i = 0; i < warmup; i++) last = await fn();
  const ms: number[] = [];
  const started = performance.now();
  while (ms.length < runs) {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
    if (ms.length >= 3 && performance.now() - started > budgetMs) break;
  }
  return { timing: { runs: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms) }, last };
}

/**
 * Times `a` and `b` alternately (a b, b a, …) after one untimed call of each, so the load of a shared
 * machine falls on both alike; stops early (but after 3 rounds) past `budgetMs`.
 */
export async function timeAlternating<A, B>(
  a: () => Promise<A>,
  b: () => Promise<B>,
  rounds: number,
  budgetMs: number,
): Promise<{ a: Timing; b: Timing; lastA: A; lastB: B }> {
  let lastA = await a();
  let lastB = await b();
  const as: number[] = [];
  const bs: number[] = [];
  const started = performance.now();
  const timed = async <T>(fn: () => Promise<T>, into: number[]): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    into.push(performance.now() - t0);
    return r;
  };
  while (as.length < rounds) {
    if (as.length % 2 === 0) {
      lastA = await timed(a, as);
      lastB = await timed(b, bs);
    } else {
      lastB = await timed(b, bs);
      lastA = await timed(a, as);
    }
    if (as.length >= 3 && performance.now() - started > budgetMs) break;
  }
  const timing = (ms: number[]): Timing => ({ runs: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms) });
  return { a: timing(as), b: timing(bs), lastA, lastB };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
