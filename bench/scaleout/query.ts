import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseQuery, type QueryInput } from '@tidemark/core';
import { generateTrafficBatches } from '@tidemark/testkit';
import { ClickHouseEventStore, DuckDbEventStore, type EventStore } from '../../packages/server/src/store';
import { StatsService } from '../../packages/server/src/stats';
import { fmt, machineInfo, percentile, rmrf, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { chDatabaseUrl, type ScaleOutServices } from './services';

export interface ScaleOutQueryOptions {
  events: number;
  runs: number;
  write: boolean;
}

const SITE = { id: 'bench_site', timezone: 'America/New_York' };
const DAYS = 365;
const END = Date.parse('2025-01-01T05:00:00Z');

type Report = { name: string; run: (stats: StatsService) => Promise<unknown> };

const last30 = { start: '2024-12-02', end: '2024-12-31' };
const year = { start: '2024-01-01', end: '2024-12-31' };
const query =
  (q: Partial<QueryInput>): Report['run'] =>
  async (stats) =>
    (await stats.query(parseQuery({ site_id: SITE.id, ...q } as QueryInput), SITE)).rows;
/** What the dashboard opens with (as bench/README.md's query bench): KPIs with comparison, timeseries, 8 breakdowns, at once. */
const overview =
  (range: { start: string; end: string }): Report['run'] =>
  async (stats) => {
    const r = await stats.dashboard(SITE, {
      period: 'custom',
      start_date: range.start,
      end_date: range.end,
      dimensions: 'channel,source,page,entry_page,country,browser,os,device',
    });
    return { metrics: r.metrics, timeseries: r.timeseries, dimensions: r.dimensions };
  };

/** The reports a dashboard load issues, over the last 30 days and the whole year. */
const REPORTS: Report[] = [
  { name: 'dashboard overview (15 queries at once), 30 days', run: overview(last30) },
  { name: 'dashboard overview (15 queries at once), 12 months', run: overview(year) },
  {
    name: 'KPIs, 30 days',
    run: query({ date_range: last30, metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit'] }),
  },
  { name: 'top pages, 30 days', run: query({ date_range: last30, metrics: ['visitors', 'pageviews'], dimensions: ['page'], limit: 10 }) },
  {
    name: 'sources (session-level), 30 days',
    run: query({ date_range: last30, metrics: ['visitors', 'sessions', 'bounce_rate'], dimensions: ['source'], limit: 10 }),
  },
  {
    name: 'KPIs filtered by country, 30 days',
    run: query({ date_range: last30, metrics: ['visitors', 'pageviews', 'bounce_rate'], filters: [['is', 'country', ['US']]] }),
  },
  { name: 'monthly timeseries, 12 months', run: query({ date_range: year, metrics: ['visitors', 'pageviews'], interval: 'month' }) },
];

/**
 * The same generated year of traffic loaded into the embedded DuckDB store and into ClickHouse, then
 * the same stats reports through the same engine on both: load rate and query latency side by side,
 * and a check that both return identical rows.
 */
export async function runScaleOutQuery(o: ScaleOutQueryOptions, svc: ScaleOutServices): Promise<void> {
  const started = today();
  const machine = machineInfo();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-bench-q-'));
  const duck = await DuckDbEventStore.open(path.join(work, 'events.duckdb'));
  await duck.init();
  const ch = new ClickHouseEventStore(chDatabaseUrl(svc.clickhouseUrl, `tidemark_benchq_${crypto.randomBytes(4).toString('hex')}`));
  await ch.init();
  try {
    console.log(`[scaleout query] ${machine}`);
    console.log(`[scaleout query] generating ~${fmt(o.events)} events (one site, ${DAYS} days) into DuckDB and ClickHouse`);
    const load = { duckdb: 0, clickhouse: 0 };
    let total = 0;
    let part = 0;
    for (const batch of generateTrafficBatches(
      { siteId: SITE.id, days: DAYS, end: END, seed: 'bench-scaleout', totalEvents: o.events, timezone: SITE.timezone },
      50_000,
    )) {
      total += batch.length;
      let t = performance.now();
      await duck.write({ events: batch, raw: [], quarantine: [], drops: [] });
      load.duckdb += performance.now() - t;
      t = performance.now();
      await ch.writeKeyed([{ key: `bench-${part++}`, batch: { events: batch, raw: [], quarantine: [], drops: [] } }]);
      load.clickhouse += performance.now() - t;
    }
    console.log(
      `[scaleout query] loaded ${fmt(total)} events: DuckDB ${fmt(total / (load.duckdb / 1000))} events/s, ClickHouse ${fmt(total / (load.clickhouse / 1000))} events/s`,
    );
    // Let ClickHouse merge the inserted parts as it would have by the time a real dashboard is opened.
    await ch.optimize('events');

    const engines: Array<[string, EventStore]> = [
      ['DuckDB (embedded)', duck],
      ['ClickHouse', ch],
    ];
    const results: Array<{ report: string; ms: Record<string, { p50: number; p95: number }>; same: boolean }> = [];
    for (const r of REPORTS) {
      const ms: Record<string, { p50: number; p95: number }> = {};
      const rows: string[] = [];
      for (const [name, store] of engines) {
        // A new service per run: the engine shares identical in-flight/recent results, which would be timed instead.
        const service = () => new StatsService(store, { now: () => END });
        const times: number[] = [];
        try {
          rows.push(JSON.stringify(await r.run(service()))); // warm-up, and the answer
          for (let i = 0; i < o.runs; i++) {
            const stats = service();
            const t = performance.now();
            await r.run(stats);
            times.push(performance.now() - t);
          }
        } catch (err) {
          console.log(`[scaleout query] ${r.name} on ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
          rows.push(`failed on ${name}`);
        }
        ms[name] = { p50: percentile(times, 50), p95: percentile(times, 95) };
      }
      const same = rows.every((x) => x === rows[0]);
      results.push({ report: r.name, ms, same });
      console.log(
        `[scaleout query] ${r.name}: ${engines.map(([n]) => `${n} p50 ${ms[n]!.p50.toFixed(0)} ms, p95 ${ms[n]!.p95.toFixed(0)} ms`).join('; ')}${same ? '' : ' — RESULTS DIFFER'}`,
      );
    }

    if (o.write) {
      const head = engines.map(([n]) => `${n} p50 / p95 ms`).join(' | ');
      const cell = (m: { p50: number; p95: number }) => (Number.isNaN(m.p50) ? 'failed' : `${fmt(m.p50)} / ${fmt(m.p95)}`);
      const lines = results.map(
        (r) => `| ${r.report} | ${engines.map(([n]) => cell(r.ms[n]!)).join(' | ')} | ${r.same ? 'yes' : '**no**'} |`,
      );
      writeResultSection(
        'scaleout-query',
        `### Stats queries, embedded vs scale-out, last run: ${started}

Machine: ${machine}; ClickHouse ${svc.clickhouseVersion} on the same machine.
Data: ${fmt(total)} generated events of one site over ${DAYS} days (testkit generator, seed \`bench-scaleout\`, site timezone ${SITE.timezone}). Bulk load through each store's write(): DuckDB ${fmt(total / (load.duckdb / 1000))} events/s, ClickHouse ${fmt(total / (load.clickhouse / 1000))} events/s. Each report: ${o.runs} runs after a warm-up, through StatsService (compile + query + decode); ClickHouse reads with FINAL (exact dedupe).

| report | ${head} | identical rows |
|---|${engines.map(() => '---:').join('|')}|:---:|
${lines.join('\n')}`,
      );
    }
  } finally {
    await duck.close();
    await ch.dropDatabase().catch(() => undefined);
    rmrf(work);
  }
}
