import os from 'node:os';
import { fmt, machineInfo, time, today, type Timing } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { DAYS } from './dataset';
import { runGoalBench } from './goals';
import { digestDuckDb, ensureDuckDbDataset, openDuckDbTimer } from './duckdb';
import { PERIODS, OVERVIEW_DIMENSIONS, type OverviewDigest, type Period } from './overview';
import { digestPg, loadPostgres, pgOverview, PG_INDEXES } from './postgres';

export interface QueryBenchOptions {
  events: number;
  otherEvents: number;
  runs: number;
  /** Events of the measured site loaded into PostgreSQL; 0 skips the baseline. */
  pgEvents: number;
  /** Also time PostgreSQL on the 90-day overview (slow). */
  pgAllPeriods: boolean;
  /** Run one section only: 'goals' (the goal breakdown). */
  only?: string;
  write: boolean;
}

function compareDigests(a: OverviewDigest, b: OverviewDigest): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(a.kpis)) if (b.kpis[k] !== v) out.push(`${k}: DuckDB ${v} vs PostgreSQL ${b.kpis[k]}`);
  for (const d of OVERVIEW_DIMENSIONS) {
    if (JSON.stringify(a.top[d]) !== JSON.stringify(b.top[d]))
      out.push(`${d} top rows differ: ${JSON.stringify(a.top[d])} vs ${JSON.stringify(b.top[d])}`);
  }
  return out;
}

const ms = (v: number) => fmt(v, v < 100 ? 1 : 0);

export async function runQueryBench(o: QueryBenchOptions): Promise<void> {
  const started = today();
  const machine = machineInfo();
  console.log(`[query] ${machine}`);
  const ds = await ensureDuckDbDataset(o.events, o.otherEvents);
  if (o.pgEvents > 0 && o.pgEvents !== o.events && !o.write)
    console.log('[query] PostgreSQL holds a different data set: results are not compared');
  if (ds.loadSeconds !== null)
    console.log(
      `[query] DuckDB: wrote ${fmt(ds.events)} events through the event store in ${fmt(ds.loadSeconds)} s (${fmt(ds.events / ds.loadSeconds)}/s)`,
    );

  if (o.only !== undefined && o.only !== 'goals') throw new Error(`--only: unknown section ${o.only} (known: goals)`);
  if (o.only !== 'goals') await overviewBench(o, ds, machine, started);
  await runGoalBench({ dir: ds.dir, events: ds.events, runs: o.runs, write: o.write });
}

async function overviewBench(
  o: QueryBenchOptions,
  ds: Awaited<ReturnType<typeof ensureDuckDbDataset>>,
  machine: string,
  started: string,
): Promise<void> {
  const duck = await openDuckDbTimer(ds.dir);
  const rollupInfo = duck.rollupFragments
    ? `session-parts rollup brought up to date in ${fmt(duck.rollupSeconds, 1)} s (${fmt(duck.rollupFragments)} session fragments)`
    : 'session-parts rollup already up to date';
  console.log(`[query] DuckDB: ${rollupInfo}`);
  const duckResults: Array<{ period: Period; timing: Timing; digest: OverviewDigest }> = [];
  const loads: string[] = [];
  try {
    for (const period of PERIODS) {
      const before = os.loadavg()[0];
      const { timing, last } = await time(() => duck.overview(period), o.runs, 2, 180_000);
      loads.push(`${period.label}: ${before.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`);
      duckResults.push({ period, timing, digest: digestDuckDb(last) });
      console.log(
        `[query] DuckDB overview, ${period.label}: p50 ${ms(timing.p50)} ms, p95 ${ms(timing.p95)} ms over ${timing.runs} runs (${fmt(last.metrics.visitors.value)} visitors, ${fmt(last.metrics.pageviews.value)} pageviews)`,
      );
    }
  } finally {
    await duck.close();
  }

  const pgResults: Array<{ timing: Timing; mismatches: string[] }> = [];
  let pgInfo = '';
  if (o.pgEvents > 0) {
    const pgOther = Math.round((o.otherEvents * o.pgEvents) / o.events);
    console.log(`[query] PostgreSQL: loading ${fmt(o.pgEvents + pgOther)} events with COPY into a temporary database`);
    const db = await loadPostgres(o.pgEvents, pgOther);
    pgInfo = `PostgreSQL: ${fmt(db.events)} rows copied in ${fmt(db.loadSeconds)} s, indexes + VACUUM ANALYZE ${fmt(db.indexSeconds)} s, ${fmt(db.tableBytes / 2 ** 30, 2)} GiB with indexes (database ${db.name}, dropped afterwards)`;
    console.log(`[query] ${pgInfo}`);
    try {
      for (const [i, period] of PERIODS.entries()) {
        // One PostgreSQL overview takes minutes at 10M events: the 90-day one only with --pg-all-periods.
        if (i > 0 && !o.pgAllPeriods) break;
        const { timing, last } = await time(() => pgOverview(db.pool, period), o.runs, 1, 240_000);
        const mismatches = o.pgEvents === o.events ? compareDigests(duckResults[i].digest, digestPg(last)) : [];
        pgResults.push({ timing, mismatches });
        const ratio = timing.p50 / duckResults[i].timing.p50;
        console.log(
          `[query] PostgreSQL overview, ${period.label}: p50 ${ms(timing.p50)} ms, p95 ${ms(timing.p95)} ms over ${timing.runs} runs → DuckDB is ${ratio.toFixed(1)}x faster at p50`,
        );
        for (const m of mismatches) console.log(`[query]   results differ: ${m}`);
      }
    } finally {
      await db.drop();
    }
  }

  if (!o.write) return;
  const rows = PERIODS.map((p, i) => {
    const d = duckResults[i].timing;
    const g = pgResults[i]?.timing;
    const cells = g
      ? `${ms(g.p50)} | ${ms(g.p95)} | ${g.runs} | **${(g.p50 / d.p50).toFixed(1)}x** / ${(g.p95 / d.p95).toFixed(1)}x`
      : '– | – | – | –';
    return `| ${p.label} | ${ms(d.p50)} | ${ms(d.p95)} | ${d.runs} | ${cells} |`;
  });
  const agree =
    pgResults.length && o.pgEvents === o.events
      ? pgResults.every((r) => r.mismatches.length === 0)
        ? "Both engines return the same KPIs and the same top-5 rows of every breakdown (checked on every run's last result)."
        : `Results differ between the engines: ${pgResults.flatMap((r) => r.mismatches).join('; ')}.`
      : o.pgEvents
        ? `PostgreSQL held a smaller data set (${fmt(o.pgEvents)} events for the site), so results were not compared.`
        : 'PostgreSQL baseline skipped (--no-pg).';
  writeResultSection(
    'query',
    `### Last run: ${started}

Machine: ${machine}.
Data: ${fmt(o.events)} events for the measured site over ${DAYS} days plus ${fmt(o.otherEvents)} events of four other sites, interleaved in time as a collector writes them${o.pgEvents && o.pgEvents !== o.events ? `; PostgreSQL got ${fmt(o.pgEvents)} + ${fmt(Math.round((o.otherEvents * o.pgEvents) / o.events))} (--pg-events)` : ''}.
DuckDB file: ${fmt(ds.fileBytes / 2 ** 30, 2)} GiB${ds.loadSeconds !== null ? `, written through the event store in ${fmt(ds.loadSeconds)} s (${fmt(ds.events / ds.loadSeconds)} events/s)` : ' (reused from bench/.data)'}; ${rollupInfo}. ${pgInfo}.
1-minute load average while DuckDB was timed (start → end): ${loads.join('; ')}.

One overview = what the dashboard opens with, as one stats request: KPIs (visitors, pageviews, sessions, bounce rate, visit duration, views per visit) with the previous period, a daily timeseries, and eight breakdowns (${OVERVIEW_DIMENSIONS.join(', ')}), all issued at once. Times are wall-clock for the whole overview.

| period | DuckDB p50 ms | DuckDB p95 ms | runs | PostgreSQL p50 ms | PostgreSQL p95 ms | runs | PostgreSQL / DuckDB (p50 / p95) |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Goal: overview p95 ≤ 300 ms and ≥ 20x faster than PostgreSQL. ${agree}
PostgreSQL indexes: ${PG_INDEXES.map((s) => '`' + s.replace('CREATE INDEX ', '') + '`').join(', ')}; \`work_mem\` 64MB per connection, 4 connections.`,
  );
  console.log('[query] results written to bench/README.md');
}
