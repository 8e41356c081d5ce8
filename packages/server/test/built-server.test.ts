import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetaStore } from '../src/meta';
import { DuckDbEventStore } from '../src/store';
import { uuidv7 } from './helpers/events';

/**
 * The production way to run: `npm run build` bundles the server into packages/server/dist, and the
 * `tidemark` bin (packages/server/bin/tidemark.js) runs it as one plain node process. Built fresh here,
 * then started as the bin itself: it must answer /health and take a tracker batch through the collector
 * thread (its own bundle), with no TypeScript loader anywhere in its process tree.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const serverRoot = path.resolve(here, '..');
const bin = path.join(serverRoot, 'bin', 'tidemark.js');
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** The command lines of `pid` and all its descendants (Linux /proc). */
function processTree(pid: number): Array<{ pid: number; cmdline: string; environ: string }> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // ppid is the second field after the parenthesised command name (which may contain spaces).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: Array<{ pid: number; cmdline: string; environ: string }> = [];
  const visit = (p: number) => {
    const read = (f: string) => fs.readFileSync(`/proc/${p}/${f}`, 'utf8').split('\0').join(' ');
    out.push({ pid: p, cmdline: read('cmdline'), environ: read('environ') });
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

describe.skipIf(process.platform !== 'linux')('the built server (tidemark bin)', () => {
  let dataDir: string;
  let siteId: string;
  let trackingId: string;

  beforeAll(async () => {
    await fs.promises.rm(path.join(serverRoot, 'dist'), { recursive: true, force: true });
    await promisify(execFile)(process.execPath, [path.join(serverRoot, 'scripts', 'build.mjs')], { cwd: serverRoot, timeout: 120_000 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-built-'));
    const meta = await openMetaStore({ dataDir });
    const org = await meta.orgs.create('Built');
    const site = await meta.sites.create(org.id, { name: 'Example', domain: 'example.com' });
    siteId = site.id;
    trackingId = site.tracking_id;
    await meta.close();
  }, 180_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('builds a bundle with the collector thread beside it and no TypeScript left to load', () => {
    for (const f of ['tidemark.js', 'worker-main.js']) expect(fs.existsSync(path.join(serverRoot, 'dist', f)), f).toBe(true);
    const bundle = fs.readFileSync(path.join(serverRoot, 'dist', 'tidemark.js'), 'utf8');
    expect(bundle).not.toMatch(/from ["']tsx|["']tsx\/esm/);
  });

  it('serves /health and a collect request as one plain node process', async () => {
    // The bin is executed as it is installed (shebang), with no loader smuggled in through NODE_OPTIONS.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TIDEMARK_DATA_DIR: dataDir,
      TIDEMARK_LOG_LEVEL: 'silent',
    };
    delete env.NODE_OPTIONS;
    const proc = spawn(bin, ['serve'], { cwd: os.tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const ids = [uuidv7(), uuidv7(), uuidv7()];
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        proc.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
      });

      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', events: 'duckdb' });

      const res = await fetch(`${base}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          origin: 'https://example.com',
          'user-agent': CHROME_UA,
          'accept-language': 'en-US',
        },
        body: JSON.stringify({
          site_id: trackingId,
          events: ids.map((event_id, k) => ({
            event_id,
            name: 'page_view',
            properties: { url: `https://example.com/built/${k}`, title: 'Page' },
          })),
        }),
      });
      expect(res.status, out).toBe(202);
      expect(await res.json()).toMatchObject({ events_received: 3 });

      // While it serves (collector thread started): node running the bin, and nothing of tsx anywhere.
      const tree = processTree(proc.pid!);
      const [exe, script, command] = tree[0]!.cmdline.split(' ');
      expect(path.basename(exe!)).toMatch(/^node/);
      expect([script, command]).toEqual([bin, 'serve']);
      for (const p of tree) {
        expect(p.cmdline, `pid ${p.pid}`).not.toMatch(/tsx/);
        expect(p.environ, `pid ${p.pid}`).not.toMatch(/NODE_OPTIONS=\S*tsx/);
      }
      proc.kill('SIGTERM');
      expect(await exited, out).toBe(0);
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }

    // Stored, as read back from the events file directly.
    const store = await DuckDbEventStore.open(path.join(dataDir, 'events.duckdb'));
    await store.init();
    try {
      const rows = await store.query<{ id: string }>('SELECT CAST(event_id AS VARCHAR) AS id FROM events WHERE site_id = ? ORDER BY 1', [
        siteId,
      ]);
      expect(rows.map((r) => r.id)).toEqual([...ids].sort());
    } finally {
      await store.close();
    }
  }, 120_000);
});
