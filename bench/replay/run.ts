import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';
import { loadConfig, startServer, type RunningServer } from '../../packages/server/src/index';
import { CHROMIUM_ARGS } from '../../packages/server/test/helpers/browser';
import { fmt, machineInfo, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';

/**
 * Session replay: (1) bytes stored per recorded minute and (2) the recorder's main-thread time per minute,
 * both from Chromium visiting the fixture pages for `--seconds` with a scripted person (typing, scrolling,
 * moving the mouse, a page load every 15 s), once with replay on and once with it off (the baseline: the
 * same visit with only t.js and t.auto.js); (3) chunk ingest throughput: the chunks that visit produced,
 * posted again under new recording ids by `--connections` concurrent clients, beside event batches of the
 * same count through POST /api/collect in the same run.
 */
export interface ReplayBenchOptions {
  seconds: number;
  chunks: number;
  connections: number;
  write: boolean;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

function fixture(url: string, snippet: string): string {
  const items = Array.from(
    { length: 120 },
    (_, i) =>
      `<li class="item"><h3>Product ${i}</h3><p>Description of product ${i}, with a price of ${(i * 7.3).toFixed(2)} EUR.</p><button type="button">Add</button></li>`,
  ).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop ${url}</title>
<style>body{font-family:sans-serif;margin:2rem} .item{padding:.5rem;border-bottom:1px solid #ddd}</style>${snippet}</head>
<body><h1>Shop ${url}</h1><form onsubmit="return false"><input id="q" placeholder="Search"><input id="email" type="email"><input type="password" id="pw"></form>
<div data-tm-mask><p>Account balance 1,234.56 EUR</p></div><ul>${items}</ul>
<script>document.querySelectorAll('button').forEach(function(b){b.addEventListener('click',function(){b.textContent='Added';});});</script>
</body></html>`;
}

async function serveSite(snippet: string) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(fixture(req.url ?? '/', snippet));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://fixture.localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function of the samples counted (printed: where the recorder's time goes). */
const selfTime = new Map<string, number>();

/** Sampled main-thread time whose stack includes a frame of `script` (inclusive: native calls it makes count). */
function inclusiveMs(p: CpuProfile, script: string): number {
  const parent = new Map<number, number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hit = new Map<number, boolean>();
  const inScript = (id: number): boolean => {
    const known = hit.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const v = !!node && (node.callFrame.url.endsWith(script) || (up !== undefined && inScript(up)));
    hit.set(id, v);
    return v;
  };
  let us = 0;
  for (let i = 0; i < p.samples.length; i++)
    if (inScript(p.samples[i]!)) {
      us += p.timeDeltas[i] ?? 0;
      const f = byId.get(p.samples[i]!)!.callFrame as { url: string; functionName?: string };
      const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
      selfTime.set(k, (selfTime.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    }
  return us / 1000;
}

/**
 * A person on the shop for `seconds`: types, scrolls, moves the mouse, clicks, loads a new page every 15 s.
 * The main thread is sampled (CPU profiler, 1 ms) per page; returns the time spent in `script`.
 */
async function visit(page: Page, origin: string, seconds: number, script: string): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  let ms = 0;
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    await cdp.send('Profiler.start');
    await page.goto(`${origin}/p${n}`);
    const pageEnd = Math.min(end, Date.now() + 15_000);
    await page.locator('#q').pressSequentially(`shoes ${n}`, { delay: 80 });
    await page.locator('#pw').pressSequentially('secret', { delay: 80 });
    while (Date.now() < pageEnd) {
      await page.mouse.move(100 + Math.random() * 600, 100 + Math.random() * 500, { steps: 5 });
      await page.mouse.wheel(0, 300);
      await page
        .locator('.item button')
        .nth(Math.floor(Math.random() * 20))
        .click()
        .catch(() => undefined);
      await page.waitForTimeout(700);
    }
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    ms += inclusiveMs(profile, script);
    n++;
  }
  await cdp.detach();
  return ms;
}

async function recordOnce(server: RunningServer, siteId: string, trackingId: string, seconds: number, replayOn: boolean) {
  await server.ctx.meta.sites.update(siteId, { replay_enabled: replayOn, replay_requires_consent: false });
  const snippet = `<script defer src="${server.url}/t.js" data-site="${trackingId}"></script>`;
  const site = await serveSite(snippet);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const ctx = await browser.newContext({ userAgent: UA, locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    page.on('response', (r) => {
      if (r.url().includes('/api/collect/replay?') && r.status() !== 202)
        void r.text().then((t) => console.log('[replay] chunk refused', r.status(), t));
    });
    page.on('requestfailed', (r) => {
      if (r.url().includes('/api/collect/replay?')) console.log('[replay] chunk request failed', r.failure()?.errorText);
    });
    const t0 = Date.now();
    // With replay off, the same count over t.auto.js (the baseline's extension) for scale.
    const scriptMs = await visit(page, site.origin, seconds, replayOn ? 't.replay.js' : 't.auto.js');
    await page.close({ runBeforeUnload: true });
    await new Promise((r) => setTimeout(r, 3000));
    await ctx.close();
    return { scriptMs, wallMs: Date.now() - t0 };
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

export async function runReplayBench(o: ReplayBenchOptions): Promise<void> {
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

    const base = await recordOnce(server, site.id, site.tracking_id, o.seconds, false);
    const rec = await recordOnce(server, site.id, site.tracking_id, o.seconds, true);
    const rows = await server.ctx.events.query<{ bytes: number; n: number; t0: number; t1: number }>(
      'SELECT sum(bytes) AS bytes, count(*) AS n, min(ts_start) AS t0, max(ts_end) AS t1 FROM replay_chunks WHERE site_id = ?',
      [site.id],
    );
    const stored = Number(rows[0]!.bytes);
    const chunkCount = Number(rows[0]!.n);
    const recordedMin = (Number(rows[0]!.t1) - Number(rows[0]!.t0)) / 60_000;
    const visitMin = rec.wallMs / 60_000;
    const recorderMsPerMin = rec.scriptMs / visitMin;
    const top = [...selfTime.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`[replay] self time by function (ms): ${top.map(([k, v]) => `${k}=${v.toFixed(0)}`).join(', ')}`);
    console.log(`[replay] stored ${stored} bytes in ${chunkCount} chunks over ${recordedMin.toFixed(2)} recorded min`);
    console.log(
      `[replay] main thread in t.replay.js: ${fmt(rec.scriptMs)} ms; t.auto.js without replay: ${fmt(base.scriptMs)} ms; visit ${visitMin.toFixed(2)} min`,
    );

    // Ingest: the recorded chunks again, as new recordings (16 chunks each), against event batches.
    const rid0 = (
      await server.ctx.events.query<{ r: string }>('SELECT recording_id AS r FROM replay_chunks WHERE site_id = ? LIMIT 1', [site.id])
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

Chromium visit of ${o.seconds} s on the fixture shop (120 products, a masked block, typing, scrolling, mouse, clicks, a page load every 15 s):

| measure | value |
|---|---|
| bytes stored per recorded minute | ${fmt(Math.round(stored / recordedMin))} (${fmt(stored)} bytes, ${chunkCount} chunks, ${recordedMin.toFixed(2)} min recorded) |
| recorder's main-thread time (CPU samples with t.replay.js on the stack, 1 ms interval) | ${fmt(Math.round(recorderMsPerMin))} ms/min (goal ≤ 50) |
| baseline: t.auto.js on the same visit without replay | ${fmt(Math.round(base.scriptMs / (base.wallMs / 60_000)))} ms/min |

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
