import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { compileEntry } from '../../packages/tracker/src/index';
import { CHROMIUM_ARGS } from '../../packages/server/test/helpers/browser';
import { replayFixturePage } from '../../packages/tracker/test/fixtures/replay-pages';
import { fmt, machineInfo, percentile, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { scriptTime, TRACE_CATEGORIES } from './trace';

/**
 * The recorder's page loads with and without V8's `allFunctionsCalledOnLoad` hint (CompileOptions.eager):
 * the recorder as t.replay.js bundles it (first-load-entry.ts: rrweb with our options, started as the script
 * runs) on the issue's first fixture page, loaded three times in each new browser context (the first load
 * compiles the script, the second writes Chromium's code cache, the third reads it), variants alternating.
 * Traced main-thread time of the script (trace.ts) per load; the hint's compilation happens on a background
 * thread, which a main-thread measure does not count.
 */
export interface FirstLoadBenchOptions {
  /** Browser contexts per variant. */
  rounds: number;
  write: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const LOADS = 3;

export async function runFirstLoadBench(o: FirstLoadBenchOptions): Promise<void> {
  const entry = path.join(here, 'first-load-entry.ts');
  const scripts: Record<string, string> = {
    lazy: await compileEntry(entry),
    eager: await compileEntry(entry, { eager: true }),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const v = url.searchParams.get('v') ?? 'lazy';
    if (url.pathname === '/r.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'cache-control': 'public, max-age=3600' });
      return res.end(scripts[v]);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    // Async, as the core inserts t.replay.js: Chromium streams it.
    res.end(replayFixturePage(url.pathname, `<script async src="/r.js?v=${v}"></script>`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const times: Record<string, number[][]> = { lazy: [[], [], []], eager: [[], [], []] };
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const v of round % 2 ? ['eager', 'lazy'] : ['lazy', 'eager']) {
        const ctx = await browser.newContext({ userAgent: UA, locale: 'en-US' });
        const page = await ctx.newPage();
        for (let load = 0; load < LOADS; load++) {
          await browser.startTracing(page, { categories: TRACE_CATEGORIES });
          await page.goto(`${origin}/first?v=${v}`);
          // The full snapshot and the page's first incremental events are in.
          await page.waitForFunction('Array.isArray(window.recorded) && window.recorded.length >= 2');
          await page.waitForTimeout(300);
          const trace = JSON.parse((await browser.stopTracing()).toString());
          times[v]![load]!.push(scriptTime(trace.traceEvents, `/r.js?v=${v}`).ms);
        }
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const rows = (['lazy', 'eager'] as const).map((v) => {
    const cells = times[v]!.map((xs) => `${fmt(percentile(xs, 50), 1)} (${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)})`);
    const label =
      v === 'lazy' ? 'without the hint (V8 compiles each function when first called)' : 'with `//# allFunctionsCalledOnLoad` (as shipped)';
    return `| ${label} | ${cells.join(' | ')} |`;
  });
  const md = `### Recorder page loads, last run: ${today()}

${machineInfo()}

The recorder as t.replay.js bundles it, started as it runs, on the first fixture page; ${o.rounds} new browser contexts per variant, alternating, each loading the page ${LOADS} times. Main-thread time in the script, traced, ms: median (min–max).

| build | 1st load (compiles) | 2nd load (writes the code cache) | 3rd load (reads it) |
|---|---:|---:|---:|
${rows.join('\n')}
`;
  console.log(md);
  if (o.write) writeResultSection('replay-first-load', md);
}
