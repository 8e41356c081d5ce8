/**
 * `tsx bench/query/profile.ts [dir]`: three overviews on the cached benchmark file (bench/.data, built by
 * `npm run bench -- query`), each statement's time within them, then each statement run alone; with
 * EXPLAIN=1 also DuckDB's JSON profile of each (.tmp/explain-N.txt). PERIODS=2 adds the 90-day period.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore } from '../../packages/server/src/store';
import { StatsService, openSessionParts, storeHasRollups } from '../../packages/server/src/stats';
import { DATA_END, MAIN_SITE, SITE_ZONES } from './dataset';
import { PERIODS, overviewParams } from './overview';

/** A short name for one of the overview's statements. */
function statementKind(sql: string): string {
  if (sql.includes(' AS qid')) return 'KPIs + session breakdowns';
  if (sql.includes('page_parts') || sql.includes('path')) return sql.includes('bucket') ? 'timeseries' : 'page breakdown';
  return sql.includes('bucket') ? 'timeseries' : 'KPIs';
}

const dir = process.argv[2] ?? fs.readdirSync('bench/.data').map((d) => path.join('bench/.data', d))[0];
const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir }));
const parts = storeHasRollups(store) ? await openSessionParts(store, { zones: SITE_ZONES }) : undefined;
await parts?.runOnce();
const log: Array<{ ms: number; sql: string; params: unknown[] }> = [];
const query = store.query.bind(store);
(store as any).query = async (sql: string, params: unknown[] = []) => {
  const t0 = performance.now();
  const r = await query(sql, params);
  log.push({ ms: performance.now() - t0, sql, params });
  return r;
};
const stats = new StatsService(store, { now: () => DATA_END - 60_000, sharedResultsMs: 0, sessionParts: parts });
for (const p of PERIODS.slice(0, Number(process.env.PERIODS ?? 1))) {
  for (let i = 0; i < 3; i++) {
    log.length = 0;
    const t0 = performance.now();
    await stats.dashboard(MAIN_SITE, overviewParams(p));
    console.log(`${p.label}: overview ${(performance.now() - t0).toFixed(0)} ms; statements:`);
    for (const s of log) console.log(`  ${s.ms.toFixed(0).padStart(6)} ms  ${s.sql.replace(/\s+/g, ' ').slice(0, 110)}`);
  }
  for (const [k, s] of log.entries()) {
    const t0 = performance.now();
    await query(s.sql, s.params);
    console.log(`  serial ${k} (${statementKind(s.sql)}): ${(performance.now() - t0).toFixed(0)} ms`);
  }
  if (process.env.EXPLAIN === '1') {
    fs.mkdirSync('.tmp', { recursive: true });
    for (const [k, s] of log.entries()) {
      const t0 = performance.now();
      const rows = await query(`EXPLAIN (ANALYZE, FORMAT JSON) ${s.sql}`, s.params);
      fs.writeFileSync(
        `.tmp/explain-${k}.txt`,
        `${s.sql}\n\n${JSON.stringify(s.params)}\n\n${rows.map((r: any) => r.explain_value).join('\n')}`,
      );
      console.log(`  explain ${k}: ${(performance.now() - t0).toFixed(0)} ms`);
    }
  }
}
await parts?.close();
await store.close();
