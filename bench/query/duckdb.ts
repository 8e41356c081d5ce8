import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore, type EventStore } from '../../packages/server/src/store';
import {
  StatsService,
  breakdownKey,
  openSessionParts,
  storeHasRollups,
  type DashboardStats,
  type SessionPartsRollup,
} from '../../packages/server/src/stats';
import type { Dimension } from '@tidemark/core';
import { fmt, rmrf } from '../lib/machine';
import { REPO_ROOT } from '../lib/proc';
import { benchBatches, DATA_END, MAIN_SITE, SITE_ZONES } from './dataset';
import { OVERVIEW_DIMENSIONS, overviewParams, type OverviewDigest, type Period } from './overview';

const CACHE_VERSION = 2;

export interface DuckDbDataset {
  dir: string;
  loadSeconds: number | null; // null = reused from the cache
  events: number;
  fileBytes: number;
}

/**
 * The DuckDB file with the benchmark data, written through the event store's ordinary durable write
 * path. Kept in bench/.data/ (ignored by git) and reused while the parameters are unchanged, because
 * loading tens of millions of events takes minutes on a small machine.
 */
export async function ensureDuckDbDataset(mainEvents: number, otherEvents: number): Promise<DuckDbDataset> {
  const dir = path.join(REPO_ROOT, 'bench', '.data', `query-v${CACHE_VERSION}-${mainEvents}-${otherEvents}`);
  const marker = path.join(dir, 'complete.json');
  if (fs.existsSync(marker)) {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { events: number };
    console.log(`[query] reusing ${dir} (${fmt(m.events)} events)`);
    return { dir, loadSeconds: null, events: m.events, fileBytes: fs.statSync(path.join(dir, 'events.duckdb')).size };
  }
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir, ...memoryLimitEnv() }));
  const t0 = performance.now();
  let events = 0;
  let lastLog = t0;
  try {
    let inFlight: Promise<unknown> | null = null;
    for (const batch of benchBatches(mainEvents, otherEvents)) {
      if (inFlight) await inFlight;
      inFlight = store.write({ events: batch, raw: [], quarantine: [], drops: [] });
      events += batch.length;
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        const rate = events / ((lastLog - t0) / 1000);
        console.log(`[query] DuckDB: ${fmt(events)} events written (${fmt(rate)}/s)`);
      }
    }
    if (inFlight) await inFlight;
  } finally {
    await store.close();
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  fs.writeFileSync(marker, JSON.stringify({ events, loadSeconds, at: new Date().toISOString() }));
  return { dir, loadSeconds, events, fileBytes: fs.statSync(path.join(dir, 'events.duckdb')).size };
}

export interface DuckDbTimer {
  overview(p: Period): Promise<DashboardStats>;
  /** Seconds the session-parts rollup took to catch up when the timer opened (0: it was up to date). */
  rollupSeconds: number;
  /** Session fragments the rollup added when the timer opened. */
  rollupFragments: number;
  close(): Promise<void>;
}

/**
 * The stats engine on the cached file, its clock pinned to the data's end, result sharing off. The
 * session-parts rollup is brought up to date first, as the server's job does after a restart.
 * `rollup: false` times the plain events path instead; `dailyCube: false` hides the daily marks cube
 * from the planner (no site's zone is complete in it, so plans read the hourly cube).
 */
export async function openDuckDbTimer(dir: string, opts: { rollup?: boolean; dailyCube?: boolean } = {}): Promise<DuckDbTimer> {
  const store: EventStore = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir, ...memoryLimitEnv() }));
  let parts: SessionPartsRollup | undefined;
  let rollupSeconds = 0;
  let rollupFragments = 0;
  if (opts.rollup !== false && storeHasRollups(store)) {
    parts = await openSessionParts(store, { zones: SITE_ZONES });
    const t0 = performance.now();
    rollupFragments = (await parts.runOnce()).fragments;
    rollupSeconds = (performance.now() - t0) / 1000;
  }
  const reader = opts.dailyCube === false ? withoutDailyCube(store) : store;
  const stats = new StatsService(reader, { now: () => DATA_END - 60_000, sharedResultsMs: 0, sessionParts: parts });
  return {
    overview: (p) => stats.dashboard(MAIN_SITE, overviewParams(p)),
    rollupSeconds,
    rollupFragments,
    close: async () => {
      await parts?.close();
      await store.close();
    },
  };
}

/** The store, except that its daily cube's state names no zone. */
function withoutDailyCube(store: EventStore): EventStore {
  const reader = Object.create(store) as EventStore;
  reader.query = <T>(sql: string, params?: unknown[]) =>
    sql.includes('FROM mark_cube_day_state') ? Promise.resolve([] as T[]) : store.query<T>(sql, params);
  return reader;
}

export function digestDuckDb(r: DashboardStats): OverviewDigest {
  const kpis: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.metrics)) kpis[k] = v.value;
  const top: OverviewDigest['top'] = {};
  for (const dim of OVERVIEW_DIMENSIONS) {
    const rows = r.dimensions[breakdownKey(dim as Dimension)] ?? [];
    top[dim] = rows.slice(0, 5).map((row) => [String(row.path ?? row.name), Number(row.visitors)]);
  }
  const prevVisitors = r.metrics.visitors.change === null ? NaN : r.metrics.visitors.value / (1 + r.metrics.visitors.change / 100);
  return { kpis, previousVisitors: Math.round(prevVisitors), days: r.timeseries?.length ?? 0, top };
}

/** The benchmark honours TIDEMARK_DUCKDB_MEMORY_LIMIT like the server (the first rollup over the whole file needs more than the default). */
function memoryLimitEnv(): Record<string, string> {
  const limit = process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT;
  return limit ? { TIDEMARK_DUCKDB_MEMORY_LIMIT: limit } : {};
}
