import os from 'node:os';
import type { GoalDefinition } from '@tidemark/core';
import { parseQuery } from '@tidemark/core';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore } from '../../packages/server/src/store';
import { StatsService } from '../../packages/server/src/stats';
import { fmt, machineInfo, percentile, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { DATA_END, MAIN_SITE } from './dataset';

/**
 * "Goal breakdown": conversions, converting visitors and conversion rate per goal (dimension `goal`)
 * over the last 30 days, with two goals of each type defined on the measured site. Goal statements read
 * raw events (no rollup keeps goal completion), so this times the events path at full size.
 */
export const BENCH_GOALS: GoalDefinition[] = [
  { id: 'goal-signup-page', name: 'Signup page', type: 'destination', match: { path: '/signup' } },
  { id: 'goal-blog', name: 'Read the blog', type: 'destination', match: { path: '/blog/*' } },
  { id: 'goal-docs-install', name: 'Install docs', type: 'destination', match: { path_regex: '^/docs/(installation|self-hosting)/' } },
  { id: 'goal-signup', name: 'Signed up', type: 'event', match: { event_name: 'signup' } },
  { id: 'goal-purchase-pro', name: 'Bought Pro', type: 'event', match: { event_name: 'purchase', event_properties: { plan: 'pro' } } },
  { id: 'goal-long', name: 'Stayed 5 minutes', type: 'duration', match: { min_duration_s: 300 } },
  { id: 'goal-engaged', name: 'Stayed 2 minutes', type: 'duration', match: { min_duration_s: 120 } },
  { id: 'goal-deep', name: 'Four pages', type: 'pages_per_session', match: { min_pages: 4 } },
  { id: 'goal-deeper', name: 'Eight pages', type: 'pages_per_session', match: { min_pages: 8 } },
];

export async function runGoalBench(o: { dir: string; events: number; runs: number; write: boolean }): Promise<void> {
  const started = today();
  const machine = machineInfo();
  const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: o.dir }));
  try {
    // No rollup: goal statements read raw events whatever is built (optimize.ts), and the rate's
    // denominator then reads events too, the slowest case. (Bringing the rollup up to date on 12M events
    // is the overview bench's business.)
    const stats = new StatsService(store, { now: () => DATA_END - 60_000, sharedResultsMs: 0 });
    const site = { ...MAIN_SITE, goals: BENCH_GOALS };
    const query = parseQuery({
      site_id: MAIN_SITE.id,
      date_range: 'last_30_days',
      metrics: ['conversions', 'converting_visitors', 'conversion_rate'],
      dimensions: ['goal'],
      limit: 100,
    });
    // The reference, alternated with it so machine load weighs on both alike: the same period's
    // sessions and bounce rate from raw events (one pass grouping the events by session, no goals).
    const reference = parseQuery({ site_id: MAIN_SITE.id, date_range: 'last_30_days', metrics: ['sessions', 'bounce_rate'] });
    const once = () => stats.query(query, site, { debug: true });
    const load0 = os.loadavg()[0];
    let last = await once(); // warm-up
    await stats.query(reference, site);
    const ms: number[] = [];
    const refMs: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      let t0 = performance.now();
      last = await once();
      ms.push(performance.now() - t0);
      t0 = performance.now();
      await stats.query(reference, site);
      refMs.push(performance.now() - t0);
    }
    const load1 = os.loadavg()[0];
    const p50 = percentile(ms, 50);
    const p95 = percentile(ms, 95);
    const refP50 = percentile(refMs, 50);
    const refP95 = percentile(refMs, 95);
    const names = new Map(BENCH_GOALS.map((g) => [g.id, g.name]));
    const rows = last.rows.map(
      (r) =>
        `| ${names.get(String(r.goal))} | ${fmt(Number(r.conversions))} | ${fmt(Number(r.converting_visitors))} | ${r.conversion_rate}% |`,
    );
    console.log(
      `[query] goal breakdown, last 30 days, ${BENCH_GOALS.length} goals: p50 ${fmt(p50, 0)} ms, p95 ${fmt(p95, 0)} ms over ${ms.length} runs (source: ${last.debug?.plan.source})`,
    );
    console.log(
      `[query] reference (sessions + bounce rate from raw events, alternated): p50 ${fmt(refP50, 0)} ms, p95 ${fmt(refP95, 0)} ms`,
    );
    for (const r of rows) console.log(`[query]   ${r}`);
    if (!o.write) return;
    writeResultSection(
      'query-goals',
      `### Goal breakdown, last run: ${started}

\`npm run bench -- query --only goals --no-pg\` — Machine: ${machine}. Data: the query bench's file (${fmt(o.events)} events for the measured site over 90 days plus the other sites'), reused from bench/.data.
1-minute load average start → end: ${load0.toFixed(2)} → ${load1.toFixed(2)}.

One request = conversions, converting visitors and conversion rate per goal (dimension \`goal\`), last 30 days, with ${BENCH_GOALS.length} goals defined: destination (exact \`/signup\`, wildcard \`/blog/*\`, RE2 \`^/docs/(installation|self-hosting)/\`), event (\`signup\`; \`purchase\` with plan=pro), duration (300 s, 120 s), pages per visit (4, 8). The plan reads raw \`events\` (row source \`${last.debug?.plan.source}\`): the rollups keep no goal completion. The rate's denominator (visitors without the goal dimension) is a second statement run beside it; the rollup was not built for this run, so it reads events too (with the rollup built it reads the marks cube).

| request | runs | p50 ms | p95 ms | max ms |
|---|---:|---:|---:|---:|
| goal breakdown | ${ms.length} | ${fmt(p50, 0)} | ${fmt(p95, 0)} | ${fmt(Math.max(...ms), 0)} |
| reference: sessions + bounce rate from raw events, same period, alternated with it | ${refMs.length} | ${fmt(refP50, 0)} | ${fmt(refP95, 0)} | ${fmt(Math.max(...refMs), 0)} |

Goal breakdown / reference at p50: ${(p50 / refP50).toFixed(2)}x — what the goals add to the one pass over the period's sessions that both make.

| goal | conversions | converting visitors | rate |
|---|---:|---:|---:|
${rows.join('\n')}`,
    );
    console.log('[query] goal results written to bench/README.md');
  } finally {
    await store.close();
  }
}
