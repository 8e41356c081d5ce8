import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { rrwebRecordPatches } from './rrweb-patch';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built scripts live: packages/tracker/dist. */
export const TRACKER_DIST_DIR = path.resolve(here, '../../dist');

/**
 * The files served to browsers: the core (t.js, loaded by the snippet) and its extension (t.auto.js, loaded
 * by the core when interactions, privacy mode, auto-identify or excluded paths are on) and the MetricPal extension
 * (t.mp.js, loaded by t.auto.js when `data-metricpal` or `data-cross-domain` is set). Budgets are bytes
 * after gzip -9, checked by test/size.test.ts and by the build.
 */
export const TRACKER_FILES = [
  { name: 't.js', entry: path.resolve(here, '../browser/main.ts'), gzipBudget: 2000 },
  { name: 't.auto.js', entry: path.resolve(here, '../browser/auto.ts'), gzipBudget: 1600 },
  { name: 't.mp.js', entry: path.resolve(here, '../browser/metricpal.ts'), gzipBudget: 2500 },
  // Plausible's script-tag API for pages switching from it (served also as /js/script.js).
  { name: 't.plausible.js', entry: path.resolve(here, '../browser/plausible.ts'), gzipBudget: 800 },
  // Heatmap samples and frustration signals, loaded when the server names it (docs/heatmaps.md).
  { name: 't.heatmap.js', entry: path.resolve(here, '../browser/heatmap.ts'), gzipBudget: 2000 },
  // Web vitals with Google's web-vitals library, and uncaught JavaScript errors (docs/web-vitals.md).
  { name: 't.vitals.js', entry: path.resolve(here, '../browser/vitals.ts'), gzipBudget: 3000 },
  { name: 't.errors.js', entry: path.resolve(here, '../browser/errors.ts'), gzipBudget: 1000 },
  // Session replay (rrweb's recorder), loaded only for sessions the site records: its own, larger budget.
  { name: 't.replay.js', entry: path.resolve(here, '../browser/replay.ts'), gzipBudget: 26000 },
  // The consent banner and preference centre; the entry script of sites whose consent mode is not "none" (docs/consent.md).
  { name: 't.consent.js', entry: path.resolve(here, '../browser/consent.ts'), gzipBudget: 3500 },
  // tidemark.experiment(key): the visitor's variant from the server, one exposure per session (docs/experiments.md).
  { name: 't.experiment.js', entry: path.resolve(here, '../browser/experiment.ts'), gzipBudget: 1200 },
] as const;

export type TrackerFileName = (typeof TRACKER_FILES)[number]['name'];

export interface BuiltFile {
  name: TrackerFileName;
  file: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
  gzipBudget: number;
}

export const gzipSize = (code: string | Buffer): number => zlib.gzipSync(code, { level: 9 }).length;

export interface CompileOptions {
  /** false: @rrweb/record as installed, without the corrections of rrweb-patch.ts (for measuring without them). */
  patches?: boolean;
  /** With the corrections: false leaves out the faster serializer (to compare with rrweb's own); a path uses that file's. */
  fastSerializer?: boolean | string;
  /** Another commit's corrections as an esbuild plugin, in place of this package's (the bench's before/after builds). */
  corrections?: Plugin;
  /**
   * Marks the script for eager compilation (V8's `allFunctionsCalledOnLoad` hint; other engines ignore the
   * comment): Chromium then compiles every function while it streams the script, on a background thread,
   * rather than each one on the page's thread the first time it is called. No shipped file sets it: for
   * t.replay.js the page's thread gained on the first load and lost on the next (a larger code cache to
   * write and read; `npm run bench -- replay --only first-load`, bench/README.md).
   */
  eager?: boolean;
}

/** Bundles and minifies one browser entry (esbuild, then terser); returns the code without writing it. */
export async function compileEntry(
  entry: string,
  { patches = true, fastSerializer = true, corrections, eager }: CompileOptions = {},
): Promise<string> {
  // Build tools are loaded on demand: the server imports this package but needs them only for a lazy build.
  const esbuild = await import('esbuild');
  const { minify } = await import('terser');
  const bundled = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    plugins: patches ? [corrections ?? rrwebRecordPatches({ fastSerializer })] : [],
  });
  // Our own closure instead of esbuild's iife: modules are strict already, so no "use strict" prologue.
  const out = await minify(`(()=>{${bundled.outputFiles[0].text}})()`, {
    ecma: 2020,
    toplevel: true,
    compress: { passes: 5, unsafe: true, unsafe_arrows: true, unsafe_methods: true, pure_getters: true },
    mangle: { toplevel: true },
    format: { comments: false },
  });
  if (!out.code) throw new Error(`terser produced no output for ${entry}`);
  // The hint counts only as the script's very first line.
  return eager ? `//# allFunctionsCalledOnLoad\n${out.code}` : out.code;
}

/** Builds every tracker file into outDir, with precompressed .gz and .br variants next to each. */
export async function buildTracker(outDir = TRACKER_DIST_DIR): Promise<BuiltFile[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const built: BuiltFile[] = [];
  for (const f of TRACKER_FILES) {
    const code = await compileEntry(f.entry);
    const gz = zlib.gzipSync(code, { level: 9 });
    const br = zlib.brotliCompressSync(code, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    });
    // Compressed variants first and the plain file last, each renamed into place, so a reader that sees a
    // new plain file also sees its matching variants.
    for (const [name, data] of [
      [`${f.name}.gz`, gz],
      [`${f.name}.br`, br],
      [f.name, code],
    ] as const) {
      const tmp = path.join(outDir, `.${name}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, path.join(outDir, name));
    }
    built.push({
      name: f.name,
      file: path.join(outDir, f.name),
      bytes: Buffer.byteLength(code),
      gzipBytes: gz.length,
      brotliBytes: br.length,
      gzipBudget: f.gzipBudget,
    });
  }
  return built;
}
