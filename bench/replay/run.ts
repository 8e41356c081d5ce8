import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Plugin } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { loadConfig, startServer, type RunningServer } from '../../packages/server/src/index';
import { compileEntry, rrwebRecordPatches, TRACKER_FILES, type CompileOptions } from '../../packages/tracker/src/index';
import { CHROMIUM_ARGS } from '../../packages/server/test/helpers/browser';
import { fmt, machineInfo, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { FIXTURE_PAGES, PAGE_SETS, type PageSet } from './pages';
import { scriptTime, TRACE_CATEGORIES, type ScriptTime, type TraceEvent } from './trace';

/**
 * Session replay: (1) bytes stored per recorded minute and (2) the recorder's main-thread time per minute,
 * both from Chromium visiting the fixture pages for `--seconds` with a scripted person (typing, scrolling,
 * moving the mouse, a page load every 15 s), with replay off (the baseline: the same visit with only t.js and
 * t.auto.js), with the recorder as of `--ref` (a git ref: before a change) when given, and with the current
 * recorder; (3) chunk ingest throughput: the chunks that visit produced, posted again under new recording ids
 * by `--connections` concurrent clients, beside event batches of the same count through POST /api/collect.
 * The tracker scripts come from the fixture site's origin (as a site hosting them would), built from the
 * sources, with the server's cache headers, so each variant is cached and compiled alike.
 */
export interface ReplayBenchOptions {
  seconds: number;
  chunks: number;
  connections: number;
  write: boolean;
  /** A git ref whose t.replay.js is measured beside the current one in the same run. */
  ref?: string;
  /** The page sets to visit (bench/replay/pages.ts), by name; all when empty. */
  pages?: string[];
  /** Recorder bundles not minified: the profile's function names are readable (the times are not the shipped ones). */
  readable?: boolean;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** A page set's site; `/tm/<name>` serves the given tracker scripts as the server does (cacheable for an hour). */
async function serveSite(pages: PageSet, snippet: (origin: string) => string, scripts: Record<string, string>) {
  let origin = '';
  const server = http.createServer((req, res) => {
    const script = req.url?.startsWith('/tm/') ? scripts[req.url.slice(4).split('?')[0]!] : undefined;
    if (script !== undefined) {
      res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' });
      return res.end(script);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(pages.html(req.url ?? '/', snippet(origin)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://fixture.localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { url: string; functionName?: string; lineNumber?: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function of the samples counted (printed: where the recorder's time goes). */
const selfTime = new Map<string, number>();
/** The same samples by their outermost frame of the script (the task that entered it: load, snapshot, observer, timer). */
const entryTime = new Map<string, number>();

const frameName = (f: { url: string; functionName?: string; lineNumber?: number }) =>
  `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}${f.lineNumber !== undefined ? `:${f.lineNumber}` : ''}`;

/** Sampled main-thread time that was not idle (waiting for a task): the whole page's work, ours included. */
function busyMs(p: CpuProfile): number {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  for (let i = 0; i < p.samples.length; i++) if (!idle.has(p.samples[i]!)) us += p.timeDeltas[i] ?? 0;
  return us / 1000;
}

/**
 * CPU time (ms) of the renderers' main threads (the process's first thread, CrRendererMain) by the kernel's accounting (/proc, 10 ms
 * ticks): what a loaded machine does not stretch, unlike the profile's wall-clock samples.
 */
function mainThreadCpuMs(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        if (tid !== String(pid) && fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== 'CrRendererMain') continue;
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms.
        out.set(pid, (out.get(pid) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
      } catch {}
    }
  }
  return out;
}

/** Sampled main-thread time whose stack includes a frame of `script` (inclusive: native calls it makes count). */
function inclusiveMs(p: CpuProfile, script: string): number {
  const parent = new Map<number, number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The outermost frame of `script` on the stack ending at a node, or null.
  const outer = new Map<number, number | null>();
  const outermost = (id: number): number | null => {
    const known = outer.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const above = up === undefined ? null : outermost(up);
    const v = above ?? (byId.get(id)?.callFrame.url.endsWith(script) ? id : null);
    outer.set(id, v);
    return v;
  };
  let us = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const entry = outermost(p.samples[i]!);
    if (entry === null) continue;
    const dt = p.timeDeltas[i] ?? 0;
    us += dt;
    const leaf = frameName(byId.get(p.samples[i]!)!.callFrame);
    selfTime.set(leaf, (selfTime.get(leaf) ?? 0) + dt / 1000);
    const e = frameName(byId.get(entry)!.callFrame);
    entryTime.set(e, (entryTime.get(e) ?? 0) + dt / 1000);
  }
  return us / 1000;
}

/**
 * A person on a page set for `seconds`: types, scrolls, moves the mouse, clicks, loads a new page every 15 s.
 * The main thread is sampled (CPU profiler, 1 ms) per page, or traced (`traced`, see trace.ts); returns the
 * time spent in `script`.
 */
async function visit(
  page: Page,
  pages: PageSet,
  origin: string,
  seconds: number,
  script: string,
  rendererPids: () => Promise<number[]>,
  traced?: ScriptTime,
): Promise<{ ms: number; cpuMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  const browser = page.context().browser()!;
  let cpuMs = 0;
  // The same mouse paths and clicks in every visit (a fixed seed): the variants of one run see one person.
  let seed = 0x2f6b1d;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  if (!traced) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  }
  let ms = 0;
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    // The thread's CPU time goes with the sampled figure only (a traced page has its durations).
    const cpu0 = traced ? undefined : mainThreadCpuMs(await rendererPids());
    if (traced) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    else await cdp.send('Profiler.start');
    await page.goto(`${origin}${pages.path(n)}`);
    const pageEnd = Math.min(end, Date.now() + 15_000);
    await pages.type(page, n);
    while (Date.now() < pageEnd) {
      await page.mouse.move(100 + random() * 600, 100 + random() * 500, { steps: 5 });
      await page.mouse.wheel(0, 300);
      await pages.click(page, n, random());
      await page.waitForTimeout(700);
    }
    if (traced) {
      const before = traced.ms;
      const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
      ms += scriptTime(trace.traceEvents, script, traced).ms - before;
      n++;
      continue;
    }
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const cpu1 = mainThreadCpuMs(await rendererPids());
    const pageMs = inclusiveMs(profile, script);
    ms += pageMs;
    // The script's share of the page's busy samples, applied to the main thread's CPU time over the page.
    let pageCpu = 0;
    for (const [pid, c] of cpu1) pageCpu += c - (cpu0!.get(pid) ?? 0);
    const busy = busyMs(profile);
    if (busy > 0) cpuMs += (pageCpu * pageMs) / busy;
    n++;
  }
  await cdp.detach();
  return { ms, cpuMs };
}

/**
 * A browser entry as shipped (minified), or bundled only, for a profile with readable names; `patches`:
 * with the build's correction of @rrweb/record (packages/tracker/src/node/rrweb-patch.ts), or `corrections`'s.
 */
async function build(entry: string, readable: boolean, options: CompileOptions = {}): Promise<string> {
  const { patches = true, fastSerializer = true, corrections } = options;
  if (!readable) return compileEntry(entry, options);
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    plugins: patches ? [corrections ?? rrwebRecordPatches({ fastSerializer })] : [],
  });
  return out.outputFiles[0]!.text;
}

/** The current tracker scripts, built from the sources. */
async function currentScripts(readable: boolean): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of TRACKER_FILES.filter((f) => ['t.js', 't.auto.js', 't.replay.js'].includes(f.name)))
    out[f.name] = await build(f.entry, readable && f.name === 't.replay.js');
  return out;
}

/**
 * t.replay.js built from `ref`'s sources (the tracker's browser folder at that commit, checked out under
 * bench/.data) with that commit's corrections of @rrweb/record, when it had them.
 */
async function recorderAt(ref: string, readable: boolean): Promise<string> {
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const dir = path.join(root, 'bench', '.data', 'replay-ref', ref.replace(/[^\w.-]/g, '_'));
  // Afresh: a ref name (HEAD, a branch) may have named other files before.
  fs.rmSync(dir, { recursive: true, force: true });
  const checkout = (folder: string, only?: string) => {
    const files = execFileSync('git', ['ls-tree', '--name-only', ref, `packages/tracker/src/${folder}/`], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && (!only || f.endsWith(only)));
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    for (const f of files)
      fs.writeFileSync(path.join(dir, folder, path.basename(f)), execFileSync('git', ['show', `${ref}:${f}`], { cwd: root }));
    return files.length > 0;
  };
  checkout('browser');
  if (!checkout('node', '/rrweb-patch.ts')) return build(path.join(dir, 'browser', 'replay.ts'), readable, { patches: false });
  // The copied corrections find that commit's faster serializer, if it had one, beside them (../browser).
  const at = (await import(path.join(dir, 'node', 'rrweb-patch.ts'))) as {
    rrwebRecordPatches?: (o: { fastSerializer?: boolean }) => Plugin;
    rrwebRecordPatch: Plugin;
  };
  const corrections = at.rrwebRecordPatches?.({}) ?? at.rrwebRecordPatch;
  return build(path.join(dir, 'browser', 'replay.ts'), readable, { corrections });
}

async function recordOnce(
  pages: PageSet,
  server: RunningServer,
  siteId: string,
  trackingId: string,
  seconds: number,
  scripts: Record<string, string>,
  replayOn: boolean,
  traced?: ScriptTime,
) {
  await server.ctx.meta.sites.update(siteId, { replay_enabled: replayOn, replay_requires_consent: false });
  const snippet = (origin: string) => `<script defer src="${origin}/tm/t.js" data-api="${server.url}" data-site="${trackingId}"></script>`;
  const site = await serveSite(pages, snippet, scripts);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const ctx = await browser.newContext({ userAgent: UA, locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    page.on('response', (r) => {
      if (r.url().includes('/api/collect/replay?') && r.status() !== 202)
        void r.text().then((t) => console.log('[replay] chunk refused', r.status(), t));
    });
    // No 'requestfailed' here: Playwright reports a keepalive chunk request as aborted once its page has
    // gone, even when the server answered it. What was lost shows as gaps in the stored sequence numbers.
    // CPU time of the page's renderer process by Chromium's own accounting: what the page cost, whatever
    // else the machine runs (the profile's samples above count wall time, which a loaded machine stretches).
    const system = await browser.newBrowserCDPSession();
    const rendererCpu = async () => {
      const info = (await system.send('SystemInfo.getProcessInfo')) as unknown as {
        processInfo: Array<{ type: string; id: number; cpuTime: number }>;
      };
      return new Map(info.processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime]));
    };
    const cpu0 = await rendererCpu();
    const t0 = Date.now();
    // With replay off, the same count over t.auto.js (the baseline's extension) for scale.
    const pids = async () => [...(await rendererCpu()).keys()];
    const { ms: scriptMs, cpuMs: scriptCpuMs } = await visit(
      page,
      pages,
      site.origin,
      seconds,
      replayOn ? 't.replay.js' : 't.auto.js',
      pids,
      traced,
    );
    const wallMs = Date.now() - t0;
    let rendererMs = 0;
    for (const [id, cpu] of await rendererCpu()) rendererMs += (cpu - (cpu0.get(id) ?? 0)) * 1000;
    await page.close({ runBeforeUnload: true });
    await new Promise((r) => setTimeout(r, 3000));
    await ctx.close();
    // What this visit stored (chunks received since it began; the visits run one after another).
    const rows = await server.ctx.events.query<{ bytes: number; n: number; t0: number; t1: number }>(
      'SELECT sum(bytes) AS bytes, count(*) AS n, min(ts_start) AS t0, max(ts_end) AS t1 FROM replay_chunks WHERE site_id = ? AND received_at >= ?',
      [siteId, t0],
    );
    // Sequence numbers missing from each recording (its chunks are numbered from 0 without gaps when none was lost).
    const seqs = await server.ctx.events.query<{ missing: number }>(
      'SELECT max(seq) + 1 - count(DISTINCT seq) AS missing FROM replay_chunks WHERE site_id = ? AND received_at >= ? GROUP BY recording_id',
      [siteId, t0],
    );
    const missing = seqs.reduce((n, r) => n + Number(r.missing), 0);
    const stored = Number(rows[0]?.bytes ?? 0);
    const recordedMin = (Number(rows[0]?.t1 ?? 0) - Number(rows[0]?.t0 ?? 0)) / 60_000;
    return { scriptMs, scriptCpuMs, wallMs, rendererMs, stored, chunks: Number(rows[0]?.n ?? 0), missing, recordedMin };
  } finally {
    await browser.close();
    await site.close();
  }
}

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

interface Visit {
  label: string;
  script: string;
  replay: boolean;
  scripts: Record<string, string>;
}
type VisitResult = Visit &
  Awaited<ReturnType<typeof recordOnce>> & {
    msPerMin: number;
    cpuPerMin: number;
    rendererPerMin: number;
    tracedPerMin: number;
    tracedCpuPerMin: number;
    tracedBy: string;
    tracedLoads: string;
  };

/** Each variant on one page set: a sampled visit, then the same visit traced. */
async function measureVisits(
  pages: PageSet,
  server: RunningServer,
  site: { id: string; tracking_id: string },
  seconds: number,
  visits: Visit[],
): Promise<VisitResult[]> {
  const results: VisitResult[] = [];
  for (const v of visits) {
    selfTime.clear();
    entryTime.clear();
    const r = await recordOnce(pages, server, site.id, site.tracking_id, seconds, v.scripts, v.replay);
    // The same visit again, traced instead of sampled (the two cannot share a visit: each costs the page).
    const traced: ScriptTime = { ms: 0, cpuMs: 0, by: new Map(), loads: [] };
    const t = await recordOnce(pages, server, site.id, site.tracking_id, seconds, v.scripts, v.replay, traced);
    const tracedPerMin = traced.ms / (t.wallMs / 60_000);
    const tracedCpuPerMin = traced.cpuMs / (t.wallMs / 60_000);
    const msPerMin = r.scriptMs / (r.wallMs / 60_000);
    const cpuPerMin = r.scriptCpuMs / (r.wallMs / 60_000);
    const rendererPerMin = r.rendererMs / (r.wallMs / 60_000);
    // What entered the script, per minute: its evaluation on each page load, each kind of event, timers...
    const tracedBy = [...traced.by.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([k, { ms, n }]) => `${k} ${fmt(Math.round(ms / (t.wallMs / 60_000)))} (${n})`)
      .join(', ');
    const tracedLoads = traced.loads.map((ms) => fmt(Math.round(ms))).join(', ');
    results.push({ ...v, ...r, msPerMin, cpuPerMin, rendererPerMin, tracedPerMin, tracedCpuPerMin, tracedBy, tracedLoads });
    const top = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, ms]) => `${k}=${ms.toFixed(0)}`)
        .join(', ');
    console.log(
      `[replay] ${pages.name}, ${v.label}: ${fmt(Math.round(msPerMin))} ms/min in ${v.script} (${fmt(r.scriptMs)} ms over ${(r.wallMs / 60_000).toFixed(2)} min), CPU-time scaled ${fmt(Math.round(cpuPerMin))} ms/min; renderer CPU ${fmt(Math.round(rendererPerMin))} ms/min`,
    );
    console.log(
      `[replay]   traced: ${fmt(Math.round(tracedPerMin))} ms/min (on a CPU: ${fmt(Math.round(tracedCpuPerMin))}); by what entered it, ms/min (calls): ${tracedBy}; page loads, ms: ${tracedLoads}`,
    );
    console.log(`[replay]   self time by function (ms): ${top(selfTime)}`);
    console.log(`[replay]   by outermost frame of the script (ms): ${top(entryTime)}`);
    if (v.replay)
      console.log(
        `[replay]   stored ${r.stored} bytes in ${r.chunks} chunks over ${r.recordedMin.toFixed(2)} recorded min; chunks missing: ${r.missing}`,
      );
  }
  return results;
}

/** One page set's visits as a table, and what entered each script. */
function visitTable(pages: PageSet, results: VisitResult[]): string {
  const baseline = results[0]!;
  const goal = pages === FIXTURE_PAGES ? ' (goal ≤ 50)' : '';
  return `On the ${pages.label}:

| visit | main-thread time in the script (CPU samples with it on the stack, 1 ms interval) | × baseline | the same as main-thread CPU time (its share of the busy samples × the thread's CPU time) | main-thread time in the script, traced (a second visit: exact durations of its entries; of it, the thread's time on a CPU) | renderer CPU time | renderer CPU over the baseline | bytes stored per recorded minute |
|---|---:|---:|---:|---:|---:|---:|---|
${results
  .map(
    (r) =>
      `| ${r.label} | ${fmt(Math.round(r.msPerMin))} ms/min | ${(r.msPerMin / baseline.msPerMin).toFixed(1)} | ${fmt(
        Math.round(r.cpuPerMin),
      )} ms/min | ${fmt(Math.round(r.tracedPerMin))} ms/min${r.replay ? goal : ''} (CPU ${fmt(Math.round(r.tracedCpuPerMin))}) | ${fmt(
        Math.round(r.rendererPerMin),
      )} ms/min | ${r.replay ? `${fmt(Math.round(r.rendererPerMin - baseline.rendererPerMin))} ms/min` : '–'} | ${
        r.replay && r.recordedMin > 0
          ? `${fmt(Math.round(r.stored / r.recordedMin))} (${fmt(r.stored)} bytes, ${r.chunks} chunks, ${r.recordedMin.toFixed(2)} min recorded)`
          : '–'
      } |`,
  )
  .join('\n')}

What entered each script in the traced visit, ms/min (calls in the visit):
${results.map((r) => `- ${r.label}: ${r.tracedBy}; each page load's evaluation, ms: ${r.tracedLoads}`).join('\n')}
`;
}

export async function runReplayBench(o: ReplayBenchOptions): Promise<void> {
  // A misspelt name would leave no page set to visit, and the run would fail only after the server started.
  const unknown = (o.pages ?? []).filter((name) => !PAGE_SETS.some((p) => p.name === name));
  if (unknown.length) throw new Error(`--pages: no page set ${unknown.join(', ')} (there are: ${PAGE_SETS.map((p) => p.name).join(', ')})`);
  const machine = machineInfo();
  console.log(`[replay] ${machine}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-replay-bench-'));
  const server = await startServer(
    loadConfig(
      { TIDEMARK_LOG_LEVEL: 'warn' },
      { host: '127.0.0.1', port: 0, dataDir, replayChunksPerMinute: 0, trustedProxies: ['127.0.0.1'] },
    ),
  );
  try {
    const org = await server.ctx.meta.orgs.create('Bench');
    const site = await server.ctx.meta.sites.create(org.id, { name: 'Shop', domain: 'fixture.localhost' });
    await server.ctx.meta.sites.update(site.id, { replay_monthly_quota: 0 });

    const scripts = await currentScripts(!!o.readable);
    const visits: Visit[] = [
      { label: 'baseline: t.auto.js, replay off', script: 't.auto.js', replay: false, scripts },
      ...(o.ref
        ? [
            {
              label: `t.replay.js as of ${o.ref}`,
              script: 't.replay.js',
              replay: true,
              scripts: { ...scripts, 't.replay.js': await recorderAt(o.ref, !!o.readable) },
            },
          ]
        : []),
      { label: 't.replay.js, current', script: 't.replay.js', replay: true, scripts },
    ];
    const sets = PAGE_SETS.filter((p) => !o.pages?.length || o.pages.includes(p.name));
    const measured: Array<{ pages: PageSet; results: VisitResult[] }> = [];
    for (const pages of sets) measured.push({ pages, results: await measureVisits(pages, server, site, o.seconds, visits) });

    // Ingest: the recorded chunks again, as new recordings (16 chunks each), against event batches.
    const rid0 = (
      await server.ctx.events.query<{ r: string }>(
        'SELECT recording_id AS r FROM replay_chunks WHERE site_id = ? GROUP BY recording_id ORDER BY sum(bytes) DESC LIMIT 1',
        [site.id],
      )
    )[0]!.r;
    const bodies: Buffer[] = [];
    const siteRecord = (await server.ctx.meta.sites.byId(site.id))!;
    const events = await (await server.ctx.replay.eventStream(siteRecord, rid0)).toArray();
    const all = JSON.parse(events.join('')) as unknown[];
    const per = Math.max(1, Math.ceil(all.length / 16));
    for (let i = 0; i < all.length; i += per) bodies.push(zlib.gzipSync(JSON.stringify(all.slice(i, i + per))));
    const page = await fetch(`${server.url}/api/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://fixture.localhost', 'user-agent': UA, 'x-forwarded-for': '198.51.100.7' },
      body: JSON.stringify({
        site_id: site.tracking_id,
        events: [{ event_id: crypto.randomUUID(), name: 'page_view', properties: { url: 'http://fixture.localhost/x' } }],
      }),
    });
    const aid = ((await page.json()) as { aid: string }).aid;
    const jobs = Array.from({ length: o.chunks }, (_, i) => ({
      rid: crypto
        .createHash('md5')
        .update(`r${Math.floor(i / 16)}`)
        .digest('hex'),
      seq: i % 16,
      body: bodies[i % bodies.length]!,
    }));
    let sentBytes = 0;
    const t0 = performance.now();
    await pool(jobs, o.connections, async (j) => {
      const r = await fetch(`${server.url}/api/collect/replay?s=${site.tracking_id}&r=${j.rid}&q=${j.seq}&a=${encodeURIComponent(aid)}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'http://fixture.localhost' },
        body: new Uint8Array(j.body),
      });
      if (r.status !== 202) throw new Error(`chunk answered ${r.status}: ${await r.text()}`);
      sentBytes += j.body.length;
    });
    const chunkS = (performance.now() - t0) / 1000;
    const batch = (i: number) =>
      JSON.stringify({
        site_id: site.tracking_id,
        events: Array.from({ length: 20 }, (_, k) => ({
          event_id: crypto.randomUUID(),
          name: k ? 'scroll_depth' : 'page_view',
          properties: { url: `http://fixture.localhost/b${i}` },
        })),
      });
    const t1 = performance.now();
    await pool(
      Array.from({ length: o.chunks }, (_, i) => i),
      o.connections,
      async (i) => {
        const r = await fetch(`${server.url}/api/collect`, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain',
            origin: 'http://fixture.localhost',
            'user-agent': UA,
            'x-forwarded-for': `198.51.${i % 250}.${i % 200}`,
          },
          body: batch(i),
        });
        if (r.status !== 202) throw new Error(`collect answered ${r.status}`);
      },
    );
    const collectS = (performance.now() - t1) / 1000;
    const md = `### Last run: ${today()}

${machine}

Chromium visits of ${o.seconds} s each (typing, scrolling, mouse, clicks, a page load every 15 s), one after another; the goal (≤ 50 ms/min) is the issue's, on its fixture pages, judged by the traced time (exact durations; the sampled figure moves by a quarter between two visits of one build).

${measured.map(({ pages, results }) => visitTable(pages, results)).join('\n')}
Chunk ingest, ${o.chunks} requests by ${o.connections} concurrent clients, embedded store:

| endpoint | requests/s | payload |
|---|---|---|
| POST /api/collect/replay (recorded chunks, gzip, ${fmt(Math.round(sentBytes / o.chunks))} bytes avg) | ${fmt(Math.round(o.chunks / chunkS))} | ${(sentBytes / chunkS / 1e6).toFixed(2)} MB/s |
| POST /api/collect (20-event batches, baseline) | ${fmt(Math.round(o.chunks / collectS))} | ${fmt(Math.round((o.chunks * 20) / collectS))} events/s |
`;
    console.log(md);
    if (o.write) writeResultSection('replay', md);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
