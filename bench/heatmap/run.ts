import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore, type EventStore } from '../../packages/server/src/store';
import { BehaviourService, buildDay, localDay, rawCells } from '../../packages/server/src/behaviour';
import type { SiteRecord } from '../../packages/server/src/meta';
import { fmt, machineInfo, time, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';

/**
 * One page's 90-day click map (docs/heatmaps.md) from `--clicks` clicks (default 5,000,000) on DuckDB:
 * the samples (in time order, as they arrive) are written once through the event store into bench/.data/heatmap-<n>/, the grid job
 * builds each of the 89 settled days, then `BehaviourService.heatmap` (the code behind
 * GET /api/sites/{id}/heatmaps) is timed for the 90 days (89 from the grid, today from raw samples).
 * Baseline in the same run: the same cells counted from the raw samples of all 90 days (no grid), summed
 * in the engine as the report does for the days the grid does not hold.
 */
export interface HeatmapBenchOptions {
  clicks: number;
  runs: number;
  write: boolean;
}

const SITE_ID = '0190c000-0000-7000-8000-00000000c001';
const DAY_MS = 86_400_000;
const PAGE = '/pricing';
/** Data ends at this instant ("now"): 90 UTC days end with the day it falls in. */
const NOW = Date.UTC(2026, 5, 30, 15);
const FIRST_DAY = Date.UTC(2026, 5, 30) - 89 * DAY_MS;
const WIDTHS = [1920, 1440, 1366, 1280, 1024, 820, 768, 414, 390, 375];
const SELECTORS = ['button#buy', 'a.nav-link', 'div.plan > h3', 'p.lead', 'img.hero', 'footer a', 'input[name="email"]'];

/** A UUIDv7 for `ms` (random tail), as the tracker makes them: time-ordered ids keep the dedupe index cheap. */
function uuid7(ms: number, rng: Prng): string {
  const hex = (n: number, w: number) => Math.floor(n).toString(16).padStart(w, '0');
  const t = hex(ms, 12);
  const r = () => hex(rng.next() * 0x10000, 4);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r().slice(1)}-${hex(0x8000 + rng.next() * 0x3fff, 4)}-${r()}${r()}${r()}`;
}

/** Clicks `seq` … `seq + n - 1` of `total`, in time order as they arrive (a second or so of jitter). */
function clickBatch(rng: Prng, n: number, seq: number, total: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  const step = (NOW - FIRST_DAY) / total;
  for (let i = 0; i < n; i++) {
    const ts = Math.min(NOW - 1, FIRST_DAY + Math.floor((seq + i) * step + rng.next() * 1000));
    const e = emptyEvent({ event_id: uuid7(ts, rng), site_id: SITE_ID, ts, received_at: ts, name: 'heatmap_click' });
    const vw = rng.pick(WIDTHS);
    // One in ten clicks on other pages, so the page's map is a part of what the site holds.
    e.path = rng.next() < 0.1 ? `/docs/${rng.int(1, 50)}` : PAGE;
    e.url = `https://bench.example${e.path}`;
    e.host = 'bench.example';
    e.viewport_w = vw;
    e.viewport_h = 900;
    // Clicks gather on a few elements (buttons, links), as on real pages; 3 % land anywhere on the page.
    if (rng.next() < 0.03) {
      e.x = rng.int(0, vw - 1);
      e.y = rng.int(0, 3999);
    } else {
      const hot = rng.int(0, 5);
      e.x = Math.max(0, Math.round(vw * (0.15 + 0.14 * hot + 0.04 * (rng.next() - 0.5))));
      e.y = Math.max(0, Math.round(200 + 450 * hot + 60 * (rng.next() - 0.5)));
    }
    e.selector = rng.pick(SELECTORS);
    e.props = { page_width: String(vw - 15), page_height: '4000' };
    e.visitor_id = `v${(seq + i) % 400_000}`;
    e.session_id = `s${(seq + i) % 900_000}`;
    out.push(e);
  }
  return out;
}

async function ensureData(store: EventStore, dir: string, clicks: number): Promise<void> {
  const ready = path.join(dir, 'READY');
  if (fs.existsSync(ready)) return;
  const rng = new Prng('heatmap-bench');
  const batch = 100_000;
  const t0 = performance.now();
  for (let done = 0; done < clicks; done += batch) {
    const n = Math.min(batch, clicks - done);
    await store.write({ events: clickBatch(rng, n, done, clicks), raw: [], quarantine: [], drops: [] });
    if ((done / batch) % 10 === 0) console.log(`[heatmap] wrote ${fmt(done + n)} clicks`);
  }
  console.log(`[heatmap] ${fmt(clicks)} clicks written in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  fs.writeFileSync(ready, `${clicks}\n`);
}

export async function runHeatmapBench(o: HeatmapBenchOptions): Promise<void> {
  const machine = machineInfo();
  console.log(`[heatmap] ${machine}`);
  const dir = path.resolve('bench/.data', `heatmap-ordered-${o.clicks}`);
  fs.mkdirSync(dir, { recursive: true });
  const limit = process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT;
  const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir, ...(limit ? { TIDEMARK_DUCKDB_MEMORY_LIMIT: limit } : {}) }));
  try {
    await ensureData(store, dir, o.clicks);
    // The grid job's work: each settled day once (rebuilt here every run, so its cost is measured too).
    const dayMs: number[] = [];
    for (let day = FIRST_DAY; day < FIRST_DAY + 89 * DAY_MS; day += DAY_MS) {
      const t0 = performance.now();
      await buildDay(store, SITE_ID, localDay(new Date(day).toISOString().slice(0, 10), 'UTC'), 'UTC');
      dayMs.push(performance.now() - t0);
    }
    const [cells] = await store.query<{ n: number }>("SELECT count(*) AS n FROM heatmap_cells WHERE site_id = ? AND kind <> 'day'", [
      SITE_ID,
    ]);
    // Before, same run: five of those days the previous way, cells read into the server and written back
    // through the side-table upsert (one bound JSON value per 5,000 rows), alternating with the engine build.
    const viaServer: number[] = [];
    const inEngine: number[] = [];
    for (let i = 0; i < 5; i++) {
      const day = localDay(new Date(FIRST_DAY + (10 + i * 15) * DAY_MS).toISOString().slice(0, 10), 'UTC');
      let t0 = performance.now();
      const cellsOfDay = await rawCells(store, SITE_ID, [[day.startMs, day.endMs]]);
      await store.upsertSideRows(
        'heatmap_cells',
        cellsOfDay.map((c) => ({
          site_id: SITE_ID,
          cell_key: createHash('sha256')
            .update([day.startMs, c.path, c.viewport, c.kind, c.cx, c.cy, c.selector].join('\u0000'))
            .digest('base64url')
            .slice(0, 32),
          day: day.startMs,
          ...c,
          version: 1,
        })),
      );
      viaServer.push(performance.now() - t0);
      t0 = performance.now();
      await buildDay(store, SITE_ID, day, 'UTC');
      inEngine.push(performance.now() - t0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const beforeLine = `the same days the previous way (cells through the server, side-table upsert): median ${fmt(median(viaServer))} ms per day, in the engine ${fmt(median(inEngine))} ms (5 days, alternating)`;
    console.log(`[heatmap] ${beforeLine}`);
    const sorted = [...dayMs].sort((a, b) => a - b);
    const buildLine = `grid job: ${fmt(sorted[Math.floor(sorted.length / 2)]!)} ms per day (median of 89; ${fmt(dayMs.reduce((s, x) => s + x, 0) / 1000, 1)} s for all), ${fmt(Number(cells?.n ?? 0))} grid rows in all`;
    console.log(`[heatmap] ${buildLine}`);

    const service = new BehaviourService(store);
    const site = { id: SITE_ID, timezone: 'UTC' } as SiteRecord;
    const params = {
      page_url: PAGE,
      viewport: 'desktop',
      type: 'click',
      period: 'custom',
      start_date: '2026-04-02',
      end_date: '2026-06-30',
    };
    // CPU time per map as well (this process, DuckDB's threads included): wall times on a shared, loaded
    // machine mostly measure the wait for a core.
    const cpu0 = process.cpuUsage();
    const map = await time(() => service.heatmap(site, params, NOW), o.runs, 2, 120_000);
    const cpu = process.cpuUsage(cpu0);
    const cpuPerMap = (cpu.user + cpu.system) / 1000 / (map.timing.runs + 2);
    const clicksOnMap = map.last.totals.clicks;
    const mapLine = `90-day click map (desktop, grid + today raw): p50 ${fmt(map.timing.p50)} ms, p95 ${fmt(map.timing.p95)} ms over ${map.timing.runs} runs, ${fmt(cpuPerMap)} ms of CPU each (${fmt(clicksOnMap)} desktop clicks in ${fmt(map.last.data.clicks!.length)} cells)`;
    console.log(`[heatmap] ${mapLine}`);
    const filter = { path: PAGE, viewport: 'desktop', kinds: ['click', 'el', 'rage', 'dead', 'error'] as const };
    // Where the map's time goes: today's part, counted from the raw samples of the day so far.
    const todayRaw = await time(() => rawCells(store, SITE_ID, [[Date.UTC(2026, 5, 30), NOW]], filter), o.runs, 1, 60_000);
    const todayLine = `of which today from the raw samples: p50 ${fmt(todayRaw.timing.p50)} ms, p95 ${fmt(todayRaw.timing.p95)} ms`;
    console.log(`[heatmap] ${todayLine}`);
    const raw = await time(() => rawCells(store, SITE_ID, [[FIRST_DAY, NOW]], filter), Math.min(o.runs, 5), 1, 120_000);
    const rawLine = `baseline, the same map counted from the raw samples of the 90 days: p50 ${fmt(raw.timing.p50)} ms, p95 ${fmt(raw.timing.p95)} ms over ${raw.timing.runs} runs`;
    console.log(`[heatmap] ${rawLine}`);
    const ratio = raw.timing.p50 / map.timing.p50;
    console.log(`[heatmap] grid ${ratio.toFixed(1)}× faster than raw (p50)`);
    if (o.write)
      writeResultSection(
        'heatmap',
        `### Last run (${today()})\n\n${machine}; ${fmt(o.clicks)} clicks over 90 days, 90 % on the measured page (DuckDB${limit ? `, memory limit ${limit}` : ''}).\n\n- ${mapLine} — goal p95 ≤ 200 ms; ${todayLine}\n- ${rawLine}; the grid is ${ratio.toFixed(1)}× faster (p50)\n- ${buildLine}; ${beforeLine}`,
      );
  } finally {
    await store.close();
  }
}
