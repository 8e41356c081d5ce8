import os from 'node:os';
import type { GoalDefinition } from '@tidemark/core';
import { parseQuery } from '@tidemark/core';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore } from '../../packages/server/src/store';
import { openSessionParts, StatsService, storeHasRollups, type SessionPartsRollup } from '../../packages/server/src/stats';
import { fmt, machineInfo, percentile, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { DATA_END, MAIN_SITE, SITE_ZONES } from './dataset';

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
  let parts: SessionPartsRollup | undefined;
  try {
    // The rollups are up to date as in the server; goal statements must not need them (they read events).
    if (storeHasRollups(store)) {
      parts = await openSessionParts(store, { zones: SITE_ZONES });
      await parts.runOnce();
    }
    const stats = new StatsService(store, { now: () => DATA_END - 60_000, sharedResultsMs: 0, sessionParts: parts });
    const site = { ...MAIN_SITE, goals: BENCH_GOALS };
    const query = parseQuery({
      site_id: MAIN_SITE.id,
      date_range: 'last_30_days',
      metrics: ['conversions', 'converting_visitors', 'conversion_rate'],
      dimensions: ['goal'],
      limit: 100,
    });
    const once = () => stats.query(query, site, { debug: true });
    const load0 = os.loadavg()[0];
    let last = await once(); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const t0 = performance.now();
      last = await once();
      ms.push(performance.now() - t0);
    }
    const load1 = os.loadavg()[0];
    const p50 = percentile(ms, 50);
    const p95 = percentile(ms, 95);
    const names = new Map(BENCH_GOALS.map((g) => [g.id, g.name]));
    const rows = last.rows.map(
      (r) =>
        `| ${names.get(String(r.goal))} | ${fmt(Number(r.conversions))} | ${fmt(Number(r.converting_visitors))} | ${r.conversion_rate}% |`,
    );
    console.log(
      `[query] goal breakdown, last 30 days, ${BENCH_GOALS.length} goals: p50 ${fmt(p50, 0)} ms, p95 ${fmt(p95, 0)} ms over ${ms.length} runs (source: ${last.debug?.plan.source})`,
    );
    for (const r of rows) console.log(`[query]   ${r}`);
    if (!o.write) return;
    writeResultSection(
      'query-goals',
      `### Goal breakdown, last run: ${started}

\`npm run bench -- query --only goals --no-pg\` — Machine: ${machine}. Data: the query bench's file (${fmt(o.events)} events for the measured site over 90 days plus the other sites'), reused from bench/.data.
1-minute load average start → end: ${load0.toFixed(2)} → ${load1.toFixed(2)}.

One request = conversions, converting visitors and conversion rate per goal (dimension \`goal\`), last 30 days, with ${BENCH_GOALS.length} goals defined: destination (exact \`/signup\`, wildcard \`/blog/*\`, RE2 \`^/docs/(installation|self-hosting)/\`), event (\`signup\`; \`purchase\` with plan=pro), duration (300 s, 120 s), pages per visit (4, 8). The plan reads raw \`events\` (row source \`${last.debug?.plan.source}\`): the rollups keep no goal completion. The rate's denominator (visitors without the goal dimension) is a second statement run beside it, served by the rollups.

| runs | p50 ms | p95 ms | max ms |
|---:|---:|---:|---:|
| ${ms.length} | ${fmt(p50, 0)} | ${fmt(p95, 0)} | ${fmt(Math.max(...ms), 0)} |

| goal | conversions | converting visitors | rate |
|---|---:|---:|---:|
${rows.join('\n')}`,
    );
    console.log('[query] goal results written to bench/README.md');
  } finally {
    await parts?.close();
    await store.close();
  }
}
