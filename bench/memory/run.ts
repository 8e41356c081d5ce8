import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { uuidv7 } from '../../packages/server/src/ingest';
import { openMetaStore } from '../../packages/server/src/meta';
import { fmt, machineInfo, rmrf, today } from '../lib/machine';
import { REPO_ROOT, SERVER_NODE_FLAGS, stop, waitForLine } from '../lib/proc';
import { writeResultSection } from '../lib/readme';
import { ensureDuckDbDataset, openDuckDbTimer } from '../query/duckdb';
import { DATA_END, MAIN_SITE } from '../query/dataset';
import { OVERVIEW_DIMENSIONS, OVERVIEW_METRICS } from '../query/overview';

/**
 * `npm run bench -- memory`: the resident memory (RSS) of the production server process — the built
 * server run by plain node through the `tidemark` bin, as the README's "Running in production" says —
 * idle and while serving the dashboard's overview over HTTP on the query bench's data file (bench/.data,
 * built on first use).
 * RSS is read from /proc/<pid>/status (VmRSS; VmHWM for the peak), so it counts the V8 heap, the
 * collector thread, DuckDB's buffer pool and every native allocation alike.
 */

export interface MemoryBenchOptions {
  events: number;
  otherEvents: number;
  /** Overviews per period, one after another. */
  runs: number;
  write: boolean;
}

const MiB = 2 ** 20;

function status(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** The RSS of `pid` and all its descendants, summed (for the comparison of start commands). */
function treeRss(pid: number): { bytes: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  let bytes = 0;
  let processes = 0;
  const visit = (p: number) => {
    bytes += status(p).rss;
    processes++;
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return { bytes, processes };
}

/** Peak RSS sampled every 20 ms while `work` runs. */
async function peakWhile(pid: number, work: () => Promise<void>): Promise<number> {
  let peak = status(pid).rss;
  const timer = setInterval(() => (peak = Math.max(peak, status(pid).rss)), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, status(pid).rss);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The data's last 30 and 90 days (the server's clock is today's, so periods are given as dates). */
const PERIODS = [
  { label: 'last 30 days of the data', start: day(DATA_END - 30 * 86_400_000), end: day(DATA_END - 86_400_000) },
  { label: 'whole 90 days', start: '2026-03-03', end: day(DATA_END - 86_400_000) },
];

function startServer(command: string[], dataDir: string): { proc: ChildProcess; url: Promise<string> } {
  const proc = spawn(command[0]!, command.slice(1), {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TIDEMARK_DATA_DIR: dataDir, TIDEMARK_LOG_LEVEL: 'warn', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { proc, url: waitForLine(proc, /listening on (http:\/\/\S+)/, 600_000).then((m) => m[1]!) };
}

const BIN = path.join(REPO_ROOT, 'packages/server/bin/tidemark.js');
const NODE_COMMAND = [process.execPath, ...SERVER_NODE_FLAGS, BIN, 'serve'];
/** What `npm start` ran before the build: tsx compiling the TypeScript sources at start, in a process of its own. */
const TSX_COMMAND = [path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ...SERVER_NODE_FLAGS, 'packages/server/src/cli/main.ts', 'serve'];

/** Idle RSS of each start command on an empty data directory: the whole process tree, 10 s after listening. */
async function compareStartCommands(scratch: string): Promise<Array<{ name: string; bytes: number; processes: number; startMs: number }>> {
  const out = [];
  for (const [name, command] of [
    ['`node packages/server/bin/tidemark.js serve` (built)', NODE_COMMAND],
    ['`tsx packages/server/src/cli/main.ts serve` (before)', TSX_COMMAND],
  ] as const) {
    const dir = path.join(scratch, `empty-${out.length}`);
    rmrf(dir);
    const t0 = performance.now();
    const s = startServer([...command], dir);
    await s.url;
    const startMs = performance.now() - t0;
    await sleep(10_000);
    out.push({ name, ...treeRss(s.proc.pid!), startMs });
    await stop(s.proc);
    rmrf(dir);
  }
  return out;
}

export async function runMemoryBench(opts: MemoryBenchOptions): Promise<void> {
  if (process.platform !== 'linux') throw new Error('the memory bench reads /proc: Linux only');
  console.log('[memory] building the server (npm run build -w @tidemark/server)');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'packages/server/scripts/build.mjs')], { stdio: 'inherit' });
  const ds = await ensureDuckDbDataset(opts.events, opts.otherEvents);
  // The rollup brought up to date here (and kept in the cached file), so "idle" is not the server's catch-up.
  const timer = await openDuckDbTimer(ds.dir);
  await timer.close();

  // A copy of the cached file, so the server's own jobs never change the cache.
  const scratch = path.join(REPO_ROOT, 'bench', '.data', `memory-${process.pid}`);
  rmrf(scratch);
  fs.mkdirSync(scratch, { recursive: true });
  try {
    const starts = await compareStartCommands(scratch);
    const dataDir = path.join(scratch, 'data');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    console.log('[memory] copying the data file');
    fs.copyFileSync(path.join(ds.dir, 'events.duckdb'), path.join(dataDir, 'events.duckdb'), fs.constants.COPYFILE_FICLONE);
    const { key, trackingId } = await prepareMeta(dataDir);

    const server = startServer(NODE_COMMAND, dataDir);
    const base = await server.url;
    const pid = server.proc.pid!;
    let limit = 10;
    // Every request a new limit: a new statement text, so no result is shared from an earlier request.
    const overview = async (p: (typeof PERIODS)[number]) => {
      const q = new URLSearchParams({
        period: 'custom',
        start_date: p.start,
        end_date: p.end,
        metrics: OVERVIEW_METRICS.join(','),
        dimensions: OVERVIEW_DIMENSIONS.join(','),
        interval: 'day',
        compare: 'true',
        limit: String(limit++),
      });
      const res = await fetch(`${base}/v1/sites/${MAIN_SITE.id}/stats?${q}`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await res.json()) as { kpis?: unknown; error?: unknown };
      if (res.status !== 200) throw new Error(`overview answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    };
    await sleep(10_000);
    const idle = status(pid);
    const phases: Array<{ label: string; peak: number; ms: number }> = [];
    for (const p of PERIODS) {
      const t0 = performance.now();
      const peak = await peakWhile(pid, async () => {
        for (let i = 0; i < opts.runs; i++) await overview(p);
      });
      phases.push({ label: `${opts.runs} overviews one after another, ${p.label}`, peak, ms: (performance.now() - t0) / opts.runs });
    }
    const t0 = performance.now();
    const burstPeak = await peakWhile(pid, () => Promise.all([...PERIODS, ...PERIODS].map((p) => overview(p))).then(() => undefined));
    phases.push({ label: '4 overviews at once (both periods, twice)', peak: burstPeak, ms: performance.now() - t0 });
    await sleep(10_000);
    const after = status(pid);
    // The collector thread and the geolocation database are opened by the first collect request.
    const collectPeak = await peakWhile(pid, () => collect(base, trackingId));
    await sleep(10_000);
    const collecting = status(pid);
    await stop(server.proc);

    const mib = (b: number) => fmt(b / MiB);
    const worst = Math.max(after.hwm, ...phases.map((p) => p.peak));
    const worstCollecting = Math.max(collecting.hwm, collectPeak);
    const lines = [
      `### Last run: ${today()}`,
      '',
      `Machine: ${machineInfo()}.`,
      `Data: ${fmt(ds.events)} events (${fmt(opts.events)} of the measured site over 90 days, ${fmt(opts.otherEvents)} of four other sites), DuckDB file ${fmt(ds.fileBytes / 2 ** 30, 2)} GiB, session-parts rollup up to date.`,
      `Server: \`${['node', ...SERVER_NODE_FLAGS, 'packages/server/bin/tidemark.js', 'serve'].join(' ')}\` (the build), one process; overviews over HTTP (\`GET /v1/sites/{id}/stats\`, API key) as the dashboard asks for them.`,
      '',
      '| state | RSS MiB |',
      '|---|---:|',
      `| idle, 10 s after listening | ${mib(idle.rss)} |`,
      ...phases.map(
        (p) =>
          `| peak while serving: ${p.label} (${fmt(p.ms)} ms per overview${p.label.startsWith('4') ? ' for all four' : ''}) | ${mib(p.peak)} |`,
      ),
      `| 10 s after the last overview | ${mib(after.rss)} |`,
      `| high-water mark of the process (VmHWM) | ${mib(after.hwm)} |`,
      `| then one collect request (20 page views): peak | ${mib(collectPeak)} |`,
      `| 10 s after it (collector thread and geolocation database open) | ${mib(collecting.rss)} |`,
      `| high-water mark of the process at the end | ${mib(collecting.hwm)} |`,
      '',
      `Of the RSS, file-backed pages (program code mapped from node, libduckdb, the SQLite and argon2 addons; shared and reclaimable): ${mib(idle.file)} MiB idle, ${mib(after.file)} MiB after serving; the rest is anonymous memory (heaps, DuckDB's buffers): ${mib(idle.anon)} MiB idle, ${mib(after.anon)} MiB after serving.`,
      '',
      `Goal: ≤ 256 MiB. Serving overviews: ${worst <= 256 * MiB ? `met, at most ${mib(worst)} MiB` : `not met, up to ${mib(worst)} MiB`}; once collecting too: ${worstCollecting <= 256 * MiB ? `met, at most ${mib(worstCollecting)} MiB` : `not met, up to ${mib(worstCollecting)} MiB`}.`,
      '',
      'Start commands, idle on an empty data directory (the RSS of the whole process tree, 10 s after listening):',
      '',
      '| command | processes | RSS MiB | time to listening ms |',
      '|---|---:|---:|---:|',
      ...starts.map((s) => `| ${s.name} | ${s.processes} | ${mib(s.bytes)} | ${fmt(s.startMs)} |`),
    ];
    const markdown = lines.join('\n');
    console.log(`\n${markdown}\n`);
    if (opts.write) writeResultSection('memory', markdown);
  } finally {
    rmrf(scratch);
  }
}

/** One tracker batch of 20 page views (tracker wire format) from one visitor; answered 202 once stored. */
async function collect(base: string, trackingId: string): Promise<void> {
  const now = Date.now();
  const events = Array.from({ length: 20 }, (_, i) => ({
    event_id: uuidv7(now - (20 - i) * 1000),
    name: 'page_view',
    timestamp: now - (20 - i) * 1000,
    properties: { url: `https://${MAIN_SITE.host}/page-${i}`, path: `/page-${i}`, title: `Page ${i}` },
    context: { screen_width: 1920, screen_height: 1080, language: 'en-US' },
  }));
  const res = await fetch(`${base}/api/collect`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin: `https://${MAIN_SITE.host}`,
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    },
    body: JSON.stringify({ site_id: trackingId, sent_at: now, events }),
  });
  if (res.status !== 202) throw new Error(`collect answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** The measured site under the id the data was generated with, its tracking id, and an org API key that may read it. */
async function prepareMeta(dataDir: string): Promise<{ key: string; trackingId: string }> {
  let meta = await openMetaStore({ dataDir });
  const org = await meta.orgs.create('Memory bench');
  const site = await meta.sites.create(org.id, { name: 'Main site', domain: MAIN_SITE.host, timezone: MAIN_SITE.timezone });
  await meta.close();
  // Site ids are generated; the cached events carry the bench's fixed id.
  const db = new Database(path.join(dataDir, 'meta.sqlite'));
  db.prepare('UPDATE sites SET id = ? WHERE id = ?').run(MAIN_SITE.id, site.id);
  db.close();
  meta = await openMetaStore({ dataDir });
  const { rawKey } = await meta.apiKeys.create({
    orgId: org.id,
    siteId: null,
    name: 'bench',
    permissions: ['read'],
    rateLimitPerMin: 10_000,
    createdBy: null,
  });
  await meta.close();
  return { key: rawKey, trackingId: site.tracking_id };
}
