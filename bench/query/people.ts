import os from 'node:os';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore } from '../../packages/server/src/store';
import { DEFAULT_SCORING_RULES } from '@tidemark/core';
import { rulesScorer } from '../../packages/server/src/scoring';
import {
  openPathSessions,
  openVisitorHours,
  StatsService,
  storeHasRollups,
  type SessionPartsRollup,
} from '../../packages/server/src/stats';
import { fmt, machineInfo, time, today, type Timing } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { DATA_END, MAIN_SITE } from './dataset';
import { ensureDuckDbDataset } from './duckdb';
import { timeCohortForms } from './cohort-forms';

/**
 * People and paths over the query bench's file: paths from the home page (depth 5, last 30 days) and
 * the 12-week cohort grid, each timed as the API's call, beside a reference in the same run: the
 * stats engine's top-pages breakdown over the same period (ratios stay comparable when the machine's
 * load changes between runs).
 */
const NOW = DATA_END - 60_000;

export interface PeopleBenchOptions {
  events: number;
  otherEvents: number;
  runs: number;
  write: boolean;
}

interface Case {
  name: string;
  /** The README section the case's row goes to. */
  section?: 'profiles';
  /** Timed on a service that reads no path-sessions rollup (the raw statement). */
  raw?: boolean;
  what: string;
  run: (stats: StatsService) => Promise<unknown>;
  answer: (last: unknown) => string;
}

function pathsAnswer(last: unknown): string {
  const p = last as { visitors: number; steps: Array<{ visitors: number }>; nodes: unknown[]; links: unknown[] };
  return `${fmt(p.visitors)} visitors; per step ${p.steps.map((x) => fmt(x.visitors)).join(' → ')}; ${p.nodes.length} nodes, ${p.links.length} links`;
}

function cohortsAnswer(last: unknown): string {
  const c = last as { basis: string; cohorts: Array<{ size: number; cells: Array<{ retention: number }> }> };
  const first = c.cohorts[0];
  return `basis ${c.basis}; ${c.cohorts.length} cohorts, ${fmt(c.cohorts.reduce((a, x) => a + x.size, 0))} members; first cohort ${fmt(first?.size ?? 0)} members, retention ${first?.cells
    .slice(0, 4)
    .map((x) => `${x.retention}%`)
    .join(', ')} …`;
}

export const PEOPLE_CASES: Case[] = [
  {
    name: 'paths',
    what: '`StatsService.paths`: start_page=/, depth 5, last 30 days (path-sessions rollup + page views received after its watermark)',
    run: (s) => s.paths(MAIN_SITE, { period: 'last_30_days', start_page: '/', depth: '5' }),
    answer: pathsAnswer,
  },
  {
    name: 'paths_raw',
    raw: true,
    what: 'the same request on raw page views (one statement; the statement before the rollup)',
    run: (s) => s.paths(MAIN_SITE, { period: 'last_30_days', start_page: '/', depth: '5' }),
    answer: pathsAnswer,
  },
  {
    name: 'cohorts',
    what: '`StatsService.cohorts`: 12 weekly cohorts (first seen 2026-03-09 … 2026-05-31), 12 periods each, default unit (visitor-hours rollup + events received after its watermark and of the partial first and last hours)',
    run: (s) =>
      s.cohorts(MAIN_SITE, { period: 'custom', start_date: '2026-03-09', end_date: '2026-05-31', interval: 'week', periods: '12' }),
    answer: cohortsAnswer,
  },
  {
    name: 'cohorts_raw',
    raw: true,
    what: 'the same request on raw events (one statement; the statement before the rollup)',
    run: (s) =>
      s.cohorts(MAIN_SITE, { period: 'custom', start_date: '2026-03-09', end_date: '2026-05-31', interval: 'week', periods: '12' }),
    answer: cohortsAnswer,
  },
  {
    name: 'unit_people',
    section: 'profiles',
    what: '`StatsService.dashboard` visitors by page, last 30 days, `unit=people` (the reference with visitor ids read as people, raw events)',
    run: (s) =>
      s.dashboard(MAIN_SITE, {
        period: 'last_30_days',
        metrics: 'visitors',
        dimensions: 'page',
        limit: '10',
        compare: 'false',
        unit: 'people',
      }),
    answer: (last) => `${fmt((last as { metrics: { visitors: { value: number } } }).metrics.visitors.value)} people`,
  },
  {
    name: 'profiles',
    section: 'profiles',
    what: "`StatsService.profiles`: the site's profiles, newest first, first page of 50, scored by the default rules (whole history, one statement plus a count)",
    run: (s) => s.profiles(MAIN_SITE, { limit: '50' }, rulesScorer(DEFAULT_SCORING_RULES, [], DATA_END)),
    answer: (last) => `${fmt((last as { total: number }).total)} profiles`,
  },
];

export async function runPeopleBench(
  o: PeopleBenchOptions,
  only: string[] = PEOPLE_CASES.filter((c) => !c.section).map((c) => c.name),
  section: 'people' | 'profiles' = 'people',
): Promise<void> {
  const started = today();
  const machine = machineInfo();
  const ds = await ensureDuckDbDataset(o.events, o.otherEvents);
  const memoryLimit = process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT;
  const config = loadConfig({ TIDEMARK_DATA_DIR: ds.dir, ...(memoryLimit ? { TIDEMARK_DUCKDB_MEMORY_LIMIT: memoryLimit } : {}) });
  const store = await openEventStore(config);
  const rows: string[] = [];
  const answers: string[] = [];
  let paths: SessionPartsRollup | undefined;
  let hours: SessionPartsRollup | undefined;
  let rollupNote = '';
  let forms: string[] = [];
  try {
    if (storeHasRollups(store)) {
      paths = await openPathSessions(store);
      let t0 = performance.now();
      const run = await paths.runOnce();
      rollupNote = ` Path-sessions rollup brought up to date first: ${fmt(run.fragments)} sessions written in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
      hours = await openVisitorHours(store);
      t0 = performance.now();
      const built = await hours.runOnce();
      rollupNote += ` Visitor-hours rollup brought up to date first: ${fmt(built.fragments)} rows written in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
    }
  } catch (err) {
    await paths?.close();
    await store.close();
    throw err;
  }
  const load = os.loadavg()[0];
  try {
    const stats = new StatsService(store, { now: () => NOW, sharedResultsMs: 0, pathSessions: paths, visitorHours: hours });
    const raw = new StatsService(store, { now: () => NOW, sharedResultsMs: 0 });
    const reference = () =>
      stats.dashboard(MAIN_SITE, { period: 'last_30_days', metrics: 'visitors', dimensions: 'page', limit: '10', compare: 'false' });
    for (const c of PEOPLE_CASES.filter((x) => only.includes(x.name))) {
      // Case and reference alternate, so both see the same load.
      const mine: Timing[] = [];
      const ref: Timing[] = [];
      let last: unknown;
      for (let round = 0; round < 2; round++) {
        const a = await time(() => c.run(c.raw ? raw : stats), Math.ceil(o.runs / 2), round === 0 ? 2 : 0, 180_000);
        const b = await time(reference, Math.ceil(o.runs / 2), round === 0 ? 2 : 0, 180_000);
        mine.push(a.timing);
        ref.push(b.timing);
        last = a.last;
      }
      const p = (t: Timing[], k: 'p50' | 'p95') => Math.max(...t.map((x) => x[k]));
      const line = `| ${c.name} | ${fmt(p(mine, 'p50'), 1)} | ${fmt(p(mine, 'p95'), 1)} | ${fmt(p(ref, 'p50'), 1)} | ${fmt(p(ref, 'p95'), 1)} | ${(p(mine, 'p50') / p(ref, 'p50')).toFixed(2)}x |`;
      console.log(`[people] ${line}`);
      rows.push(line);
      answers.push(`- ${c.name}: ${c.what}. Answer: ${c.answer(last)}.`);
    }
    if (only.includes('cohorts') && hours) {
      forms = await timeCohortForms(store, hours, NOW, o.runs);
      for (const l of forms) console.log(`[people] ${l}`);
    }
  } finally {
    await paths?.close();
    await hours?.close();
    await store.close();
  }
  const loadAfter = os.loadavg()[0];
  if (!o.write) return;
  writeResultSection(
    section,
    `### Last run: ${started}

Machine: ${machine}. 1-minute load average: ${load.toFixed(2)} → ${loadAfter.toFixed(2)}. DuckDB memory limit: ${config.duckDbMemoryLimit}.
Data: the query bench's file (${fmt(o.events)} + ${fmt(o.otherEvents)} events).${rollupNote} Reference: the top-pages breakdown (visitors by page, last 30 days) timed alternately with each case. Each p50/p95 is the worse of two rounds of ${Math.ceil(o.runs / 2)} runs.

| case | p50 ms | p95 ms | reference p50 ms | reference p95 ms | p50 / reference |
|---|---|---|---|---|---|
${rows.join('\n')}

${answers.join('\n')}
${
  forms.length
    ? `
The cohort grid's statement alone, current against the one before on the same rollup rows and connection, alternating (bench/query/cohort-forms.ts; the current one checked to be what \`StatsService.cohorts\` sends, both giving the same rows for offsets 0–11):

| grid statement | p50 ms | p95 ms | runs | p50 / before |
|---|---|---|---|---|
${forms.join('\n')}
`
    : ''
}
${section === 'people' ? 'Goal: p95 ≤ 500 ms each.' : 'The issue sets no goal for these; the ratio to the reference is what to compare between runs.'}`,
  );
}
