import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EVENT_COLUMNS } from '@tidemark/core';
import type { Funnel, FunnelStats } from '@tidemark/core';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore, type EventStore } from '../../packages/server/src/store';
import { StatsService, resolvePeriod } from '../../packages/server/src/stats';
import { fmt, machineInfo, time, timeAlternating, today, type Timing } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { DATA_END, MAIN_SITE } from './dataset';
import { ensureDuckDbDataset } from './duckdb';
import { beforeStatement, pairStatements, recording, type PairedResult } from './funnel-pairs';
import { PG, PG_INDEXES, PG_TYPES } from './postgres';

/**
 * A 4-step funnel over the query bench's data (testkit's pages and events: home → pricing → sign-up
 * form → the `signup` event), session scope, last 30 days: the stats engine's funnel answer (steps,
 * medians, what leavers did next) on DuckDB against the same definitions written as plain SQL for the
 * PostgreSQL baseline, in the same run.
 */
export const BENCH_FUNNEL: Funnel = {
  id: 'bench-funnel',
  site_id: MAIN_SITE.id,
  name: 'Sign-up',
  steps: [
    { name: 'Home', type: 'pageview', match: { url_pattern: '/' } },
    { name: 'Pricing', type: 'pageview', match: { url_pattern: '/pricing*' } },
    { name: 'Sign-up form', type: 'pageview', match: { url_pattern: '/signup' } },
    { name: 'Signed up', type: 'event', match: { event_name: 'signup' } },
  ],
  scope: 'session',
  window: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

const PERIOD = { period: 'last_30_days' };
const NOW = DATA_END - 60_000;
const DAY = 86_400_000;

/**
 * The same funnel in PostgreSQL: per session the earliest home view in the period, then the earliest
 * pricing, sign-up and `signup` after each other (with the session as the window, the earliest start
 * reaches furthest), the furthest session per visitor (then the earliest), counts and medians; and the
 * leavers' next page view or interactive event in their session.
 */
const STEPS_SQL = `
WITH ev AS MATERIALIZED (
  SELECT visitor_id, session_id, ts,
    (name = 'page_view' AND path = '/') AS m1,
    (name = 'page_view' AND path ~ '^/pricing.*$') AS m2,
    (name = 'page_view' AND path = '/signup') AS m3,
    (name = 'signup') AS m4
  FROM events
  WHERE site_id = $1 AND ts >= $2 AND ts < $4
    AND ((name = 'page_view' AND (path = '/' OR path ~ '^/pricing.*$' OR path = '/signup')) OR name = 'signup')
),
c1 AS (SELECT visitor_id, session_id, min(ts) AS t1 FROM ev WHERE m1 AND ts < $3 GROUP BY 1, 2),
c2 AS (SELECT c.visitor_id, c.session_id, c.t1, min(e.ts) AS t2 FROM c1 c
       LEFT JOIN ev e ON e.visitor_id = c.visitor_id AND e.session_id = c.session_id AND e.m2 AND e.ts > c.t1 GROUP BY 1, 2, 3),
c3 AS (SELECT c.visitor_id, c.session_id, c.t1, c.t2, min(e.ts) AS t3 FROM c2 c
       LEFT JOIN ev e ON e.visitor_id = c.visitor_id AND e.session_id = c.session_id AND e.m3 AND e.ts > c.t2 GROUP BY 1, 2, 3, 4),
c4 AS (SELECT c.visitor_id, c.session_id, c.t1, c.t2, c.t3, min(e.ts) AS t4 FROM c3 c
       LEFT JOIN ev e ON e.visitor_id = c.visitor_id AND e.session_id = c.session_id AND e.m4 AND e.ts > c.t3 GROUP BY 1, 2, 3, 4, 5),
best AS (
  SELECT DISTINCT ON (visitor_id) visitor_id, session_id, t1, t2, t3, t4,
    1 + (t2 IS NOT NULL)::int + (t3 IS NOT NULL)::int + (t4 IS NOT NULL)::int AS lvl
  FROM c4 ORDER BY visitor_id, lvl DESC, t1
)`;

const COUNTS_SQL = `${STEPS_SQL}
SELECT count(*) AS v1, count(*) FILTER (WHERE lvl >= 2) AS v2, count(*) FILTER (WHERE lvl >= 3) AS v3, count(*) FILTER (WHERE lvl >= 4) AS v4,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t2 - t1)) FILTER (WHERE lvl >= 2) AS q2,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t3 - t2)) FILTER (WHERE lvl >= 3) AS q3,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t4 - t3)) FILTER (WHERE lvl >= 4) AS q4
FROM best`;

const NEXT_SQL = `${STEPS_SQL}
SELECT b.lvl AS after_step, coalesce(n.label, '') AS label, count(*) AS visitors
FROM best b
LEFT JOIN LATERAL (
  SELECT CASE WHEN e.name = 'page_view' THEN e.path ELSE e.name END AS label FROM events e
  WHERE e.site_id = $1 AND e.visitor_id = b.visitor_id AND e.session_id = b.session_id
    AND e.ts > CASE b.lvl WHEN 1 THEN b.t1 WHEN 2 THEN b.t2 ELSE b.t3 END AND e.ts < $4
    AND (e.name = 'page_view' OR e.name <> ALL ($5::text[]))
  ORDER BY e.ts LIMIT 1
) n ON TRUE
WHERE b.lvl < 4
GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`;

const PASSIVE = ['page_view', 'scroll_depth', 'engagement', 'page_exit', 'session_end', 'heatmap_click', 'heatmap_move', 'heatmap_scroll'];

interface PgCopy {
  pool: pg.Pool;
  events: number;
  loadSeconds: number;
  indexSeconds: number;
  drop(): Promise<void>;
}

/**
 * The PostgreSQL baseline's table (postgres.ts: same columns, types and indexes) holding every site's
 * events of the funnel's read range — the period and the day after it, which is all a funnel reads —
 * copied out of the DuckDB file (COPY … TO csv, then COPY … FROM STDIN) instead of regenerated: the
 * generator is what made a full load take hours on a shared machine. PostgreSQL gets the smaller table.
 */
async function loadPostgresRange(store: EventStore, startMs: number, endMs: number): Promise<PgCopy> {
  const file = path.join(os.tmpdir(), `tidemark-funnel-${process.pid}.csv`);
  const cols = EVENT_COLUMNS.map((c) => c.name);
  const t0 = performance.now();
  await store.query(
    `COPY (SELECT ${cols.join(', ')} FROM events WHERE ts >= epoch_ms(${startMs}) AND ts < epoch_ms(${endMs}) ORDER BY ts) TO '${file}' (FORMAT csv, HEADER false, FORCE_QUOTE *)`,
  );
  const name = `tidemark_bench_funnel_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const pool = new pg.Pool({ ...PG, database: name, max: 4, options: '-c work_mem=64MB -c timezone=UTC' });
  pool.on('error', () => undefined);
  const drop = async () => {
    fs.rmSync(file, { force: true });
    await pool.end().catch(() => undefined);
    const a = new pg.Client({ ...PG, database: 'postgres' });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  };
  try {
    await pool.query(
      `CREATE TABLE events (${EVENT_COLUMNS.map((c) => `${c.name} ${PG_TYPES[c.kind]}${c.nullable ? '' : ' NOT NULL'}`).join(', ')})`,
    );
    const client = await pool.connect();
    try {
      await pipeline(fs.createReadStream(file), client.query(copyFrom(`COPY events (${cols.join(', ')}) FROM STDIN WITH (FORMAT csv)`)));
    } finally {
      client.release();
    }
    fs.rmSync(file, { force: true });
    const loadSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (const ddl of PG_INDEXES) await pool.query(ddl);
    await pool.query('VACUUM ANALYZE events');
    const n = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
    return { pool, events: Number(n.rows[0].n), loadSeconds, indexSeconds: (performance.now() - t1) / 1000, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

interface PgFunnel {
  visitors: number[];
  medians: Array<number | null>;
  next: Array<{ after_step: number; label: string; visitors: number }>;
}

async function pgFunnel(pool: pg.Pool): Promise<PgFunnel> {
  const range = resolvePeriod('last_30_days', MAIN_SITE.timezone, NOW);
  const params = [MAIN_SITE.id, new Date(range.startMs), new Date(range.endMs), new Date(range.endMs + DAY)];
  const [counts, next] = await Promise.all([pool.query(COUNTS_SQL, params), pool.query(NEXT_SQL, [...params, PASSIVE])]);
  const r = counts.rows[0];
  const med = (v: unknown) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  return {
    visitors: [r.v1, r.v2, r.v3, r.v4].map(Number),
    medians: [null, med(r.q2), med(r.q3), med(r.q4)],
    next: next.rows.map((x) => ({ after_step: Number(x.after_step), label: String(x.label), visitors: Number(x.visitors) })),
  };
}

function mismatches(d: FunnelStats, p: PgFunnel): string[] {
  const out: string[] = [];
  const dv = d.steps.map((s) => s.visitors);
  const dm = d.steps.map((s) => s.median_seconds_from_previous);
  if (JSON.stringify(dv) !== JSON.stringify(p.visitors)) out.push(`visitors ${dv} vs ${p.visitors}`);
  if (JSON.stringify(dm) !== JSON.stringify(p.medians)) out.push(`medians ${dm} vs ${p.medians}`);
  for (const drop of d.drop_offs) {
    const mine = drop.next.map((n) => n.visitors);
    const theirs = p.next
      .filter((n) => n.after_step === drop.after_step)
      .slice(0, 5)
      .map((n) => n.visitors);
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) out.push(`next after step ${drop.after_step}: ${mine} vs ${theirs}`);
  }
  return out;
}

export interface FunnelBenchOptions {
  events: number;
  otherEvents: number;
  runs: number;
  /** Before / after pairs of the funnel statement (funnel-pairs.ts); 0 skips them. */
  pairs: number;
  pg: boolean;
  write: boolean;
}

export async function runFunnelBench(o: FunnelBenchOptions): Promise<void> {
  const started = today();
  const machine = machineInfo();
  console.log(`[funnel] ${machine}`);
  const ds = await ensureDuckDbDataset(o.events, o.otherEvents);
  // DuckDB's memory limit: the server's default unless TIDEMARK_DUCKDB_MEMORY_LIMIT says otherwise.
  const memoryLimit = process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT;
  const config = loadConfig({ TIDEMARK_DATA_DIR: ds.dir, ...(memoryLimit ? { TIDEMARK_DUCKDB_MEMORY_LIMIT: memoryLimit } : {}) });
  const store = await openEventStore(config);
  let duck: { timing: Timing; last: FunnelStats };
  let paired: PairedResult | null = null;
  const load = os.loadavg()[0];
  let loadPaired = 0;
  let db: PgCopy | null = null;
  try {
    const stats = new StatsService(store, { now: () => NOW, sharedResultsMs: 0 });
    duck = await time(() => stats.funnel(MAIN_SITE, BENCH_FUNNEL, PERIOD), o.runs, 2, 180_000);
    if (o.pairs > 0) {
      // The previous implementation's statement beside the current one, alternating on this open file.
      const rec = recording(store);
      await new StatsService(rec.reader, { now: () => NOW, sharedResultsMs: 0 }).funnel(MAIN_SITE, BENCH_FUNNEL, PERIOD);
      if (rec.seen.length !== 1) throw new Error(`expected one funnel statement, saw ${rec.seen.length}`);
      loadPaired = os.loadavg()[0];
      paired = await pairStatements(store, beforeStatement(), rec.seen[0]!, o.pairs);
      const x = paired;
      console.log(
        `[funnel] before / after, ${x.pairs} pairs: wall p50 ${fmt(x.before.p50)} → ${fmt(x.after.p50)} ms (median ratio ${x.ratio.toFixed(2)}), CPU p50 ${fmt(x.before.cpu50)} → ${fmt(x.after.cpu50)} ms (${x.cpuRatio.toFixed(2)}); same rows: ${x.same}`,
      );
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const loadAfter = os.loadavg()[0];
  const steps = duck.last.steps.map((s) => `${s.name} ${fmt(s.visitors)}`).join(' → ');
  console.log(
    `[funnel] DuckDB: p50 ${fmt(duck.timing.p50, 1)} ms, p95 ${fmt(duck.timing.p95, 1)} ms over ${duck.timing.runs} runs (${steps})`,
  );

  let pgLine = 'PostgreSQL baseline skipped (--no-pg).';
  let pgCells = '– | – | – | – | – | –';
  try {
    if (o.pg) {
      const range = resolvePeriod('last_30_days', MAIN_SITE.timezone, NOW);
      console.log('[funnel] PostgreSQL: copying the read range out of the DuckDB file into a temporary database');
      db = await loadPostgresRange(store, range.startMs, range.endMs + DAY);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  if (db) {
    try {
      // PostgreSQL and DuckDB alternate, so a load swing on this shared machine hits both alike.
      const stats = new StatsService(store, { now: () => NOW, sharedResultsMs: 0 });
      const alt = await timeAlternating(
        () => pgFunnel(db.pool),
        () => stats.funnel(MAIN_SITE, BENCH_FUNNEL, PERIOD),
        o.runs,
        240_000,
      );
      const p = { timing: alt.a, last: alt.lastA };
      const d = alt.b;
      const diff = mismatches(alt.lastB, p.last);
      const ratio50 = p.timing.p50 / d.p50;
      const ratio95 = p.timing.p95 / d.p95;
      console.log(
        `[funnel] PostgreSQL: p50 ${fmt(p.timing.p50, 1)} ms, p95 ${fmt(p.timing.p95, 1)} ms over ${p.timing.runs} runs; DuckDB alternating with it p50 ${fmt(d.p50, 1)} ms, p95 ${fmt(d.p95, 1)} ms → ${ratio50.toFixed(1)}x faster at p50`,
      );
      for (const m of diff) console.log(`[funnel]   results differ: ${m}`);
      pgCells = `${fmt(p.timing.p50, 1)} | ${fmt(p.timing.p95, 1)} | ${p.timing.runs} | ${fmt(d.p50, 1)} | ${fmt(d.p95, 1)} | **${ratio50.toFixed(1)}x** / ${ratio95.toFixed(1)}x`;
      pgLine = `${
        diff.length ? `Results differ: ${diff.join('; ')}.` : 'Both engines give the same step counts, medians and next-step counts.'
      } PostgreSQL: the ${fmt(db.events)} events (all sites) of the funnel's read range (the period and the day after), copied from the DuckDB file in ${fmt(db.loadSeconds)} s; indexes (${fmt(db.indexSeconds)} s with VACUUM ANALYZE) ${PG_INDEXES.map((s) => '`' + s.replace('CREATE INDEX ', '') + '`').join(', ')}, \`work_mem\` 64MB.`;
    } finally {
      await db.drop();
      await store.close();
    }
  } else {
    await store.close();
  }
  if (!o.write) return;
  const s = duck.last.steps;
  writeResultSection(
    'funnel',
    `### Last run: ${started}

Machine: ${machine}. 1-minute load average while DuckDB was timed: ${load.toFixed(2)} → ${loadAfter.toFixed(2)}. DuckDB memory limit: ${config.duckDbMemoryLimit}.
Data: the query bench's file (${fmt(o.events)} + ${fmt(o.otherEvents)} events). Funnel: ${BENCH_FUNNEL.steps.map((x) => `${x.name} (${x.type === 'event' ? `event \`${x.match.event_name}\`` : `\`${x.match.url_pattern}\``})`).join(' → ')}, session scope, last 30 days in the site's zone; one timed call = \`StatsService.funnel\` (steps with medians and what the leavers did next: one statement on DuckDB), raw events (funnels read no rollup).
Answer: ${s.map((x) => `${fmt(x.visitors)}`).join(' → ')} visitors; medians ${s
      .slice(1)
      .map((x) => `${x.median_seconds_from_previous} s`)
      .join(', ')}.

| engine | p50 ms | p95 ms | runs |
|---|---:|---:|---:|
| DuckDB (stats engine) | ${fmt(duck.timing.p50, 1)} | ${fmt(duck.timing.p95, 1)} | ${duck.timing.runs} |

| PostgreSQL p50 ms | PostgreSQL p95 ms | runs | DuckDB p50 ms, alternating | DuckDB p95 ms, alternating | PostgreSQL / DuckDB (p50 / p95) |
|---:|---:|---:|---:|---:|---:|
| ${pgCells} |

Goal: p95 ≤ 500 ms and ≥ 20x faster than PostgreSQL. ${pgLine}
${pairedText(paired, loadPaired)}`,
  );
  console.log('[funnel] results written to bench/README.md');
}

function pairedText(x: PairedResult | null, load: number): string {
  if (!x) return '';
  return `
Before / after in this run (\`funnel-pairs.ts\`: the previous implementation's statement, \`funnel-before.json\`, and the current one alternating on the same open file, ${x.pairs} pairs, 1-minute load average ${load.toFixed(2)} at their start); rows identical: ${x.same ? 'yes' : '**no**'}.

| statement | wall p50 ms | wall p95 ms | CPU p50 ms |
|---|---:|---:|---:|
| before | ${fmt(x.before.p50)} | ${fmt(x.before.p95)} | ${fmt(x.before.cpu50)} |
| after | ${fmt(x.after.p50)} | ${fmt(x.after.p95)} | ${fmt(x.after.cpu50)} |

After / before, median of the per-pair ratios: **${x.ratio.toFixed(2)}** wall, **${x.cpuRatio.toFixed(2)}** CPU.`;
}
