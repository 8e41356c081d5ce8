import fs from 'node:fs';
import path from 'node:path';
import type { EventStore } from '../../packages/server/src/store';
import { percentile } from '../lib/machine';

/**
 * Before / after on the same open file, in the same run: the funnel statement of the previous
 * implementation (funnel-before.json, compiled by that code for BENCH_FUNNEL and its fixed period) and
 * the current one (captured from StatsService.funnel), alternating A B, B A, … so the load of a shared
 * machine hits both alike. Wall time and the process's CPU time (DuckDB's threads included) per
 * statement; the rows of both must be identical.
 */
export interface Statement {
  sql: string;
  params: unknown[];
}

export interface PairedResult {
  pairs: number;
  before: { p50: number; p95: number; cpu50: number };
  after: { p50: number; p95: number; cpu50: number };
  /** Median of the per-pair ratios after / before, wall and CPU. */
  ratio: number;
  cpuRatio: number;
  same: boolean;
}

export function beforeStatement(): Statement {
  const file = path.join(import.meta.dirname, 'funnel-before.json');
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Statement;
  return { sql: s.sql, params: s.params };
}

/** A reader that records every statement it runs (the funnel is one statement on DuckDB). */
export function recording(store: EventStore): { reader: EventStore; seen: Statement[] } {
  const seen: Statement[] = [];
  const reader = Object.create(store) as EventStore;
  reader.query = <T>(sql: string, params: unknown[] = []) => {
    seen.push({ sql, params });
    return store.query<T>(sql, params);
  };
  return { reader, seen };
}

const canon = (rows: unknown) => JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));

export async function pairStatements(
  store: EventStore,
  before: Statement,
  after: Statement,
  pairs: number,
  warmup = 2,
): Promise<PairedResult> {
  const run = async (s: Statement) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const rows = await store.query(s.sql, s.params);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { ms, cpu: (c.user + c.system) / 1000, rows: canon(rows) };
  };
  let same = true;
  for (let i = 0; i < warmup; i++) {
    const [a, b] = [await run(before), await run(after)];
    same &&= a.rows === b.rows;
  }
  const b: Array<{ ms: number; cpu: number }> = [];
  const a: Array<{ ms: number; cpu: number }> = [];
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 ? after : before;
    const r1 = await run(first);
    const r2 = await run(first === after ? before : after);
    const [rb, ra] = i % 2 ? [r2, r1] : [r1, r2];
    same &&= rb.rows === ra.rows;
    b.push(rb);
    a.push(ra);
  }
  const med = (xs: number[]) => percentile(xs, 50);
  const side = (xs: Array<{ ms: number; cpu: number }>) => ({
    p50: med(xs.map((x) => x.ms)),
    p95: percentile(
      xs.map((x) => x.ms),
      95,
    ),
    cpu50: med(xs.map((x) => x.cpu)),
  });
  return {
    pairs,
    before: side(b),
    after: side(a),
    ratio: med(a.map((x, i) => x.ms / b[i]!.ms)),
    cpuRatio: med(a.map((x, i) => x.cpu / b[i]!.cpu)),
    same,
  };
}
