import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDbEventStore, type EventStore } from '../src/store';
import { openPathSessions, openSessionParts, openVisitorHours, type SessionPartsRollup } from '../src/stats';
import { runLifecycleSuite } from './lifecycle-suite';

// The shared lifecycle suite on the embedded engine, with the session-parts rollup (fragments, marks,
// hourly and daily cubes), the path-sessions and the visitor-hours rollups built over the fixture, so
// every purge is checked against the rollups too.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-lifecycle-'));
let rollup: SessionPartsRollup | null = null;
let paths: SessionPartsRollup | null = null;
let hours: SessionPartsRollup | null = null;
const ROLLUP_TABLES = [
  'session_parts',
  'page_parts',
  'marks_open',
  'mark_cube',
  'page_cube',
  'mark_cube_day',
  'mark_cube_day_state',
  'path_sessions',
  'visitor_hours',
];

runLifecycleSuite('DuckDB', {
  async open(name) {
    const store = await DuckDbEventStore.open(path.join(dir, `${name}.duckdb`));
    await store.init();
    return store;
  },
  async derive(store: EventStore) {
    // Far behind the clock's lag: every fixture event is rolled up; the daily cube is kept (every site in UTC).
    const zones = async () =>
      (await store.query<{ site_id: string }>('SELECT DISTINCT site_id FROM events')).map((r) => [r.site_id, 'UTC'] as const);
    rollup ??= await openSessionParts(store as DuckDbEventStore, { lagMs: 0, zones });
    await rollup.runOnce();
    paths ??= await openPathSessions(store as DuckDbEventStore, { lagMs: 0 });
    await paths.runOnce();
    hours ??= await openVisitorHours(store as DuckDbEventStore, { lagMs: 0 });
    await hours.runOnce();
    return { sessionParts: rollup, pathSessions: paths, visitorHours: hours };
  },
  async derivedRows(store, siteId) {
    const out: Record<string, number> = {};
    for (const t of ROLLUP_TABLES)
      out[t] = Number((await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE site_id = ?`, [siteId]))[0]?.n ?? 0);
    return out;
  },
  async release() {
    await rollup?.close();
    await paths?.close();
    await hours?.close();
    rollup = null;
    paths = null;
    hours = null;
  },
  async destroy() {
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
