import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openMetaStore } from '../src/meta';
import { DuckDbEventStore } from '../src/store';
import { uuidv7 } from './helpers/events';

/**
 * The same crash guarantee end to end: the real `tidemark serve` process takes tracker batches on
 * POST /api/collect from many concurrent clients and is SIGKILLed mid-stream; every event of every
 * request answered 202 must be in the events file exactly once after a restart. Run as
 * `node --import tsx` so the signal hits the server itself rather than an npx wrapper.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const serverRoot = path.resolve(here, '..');
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function serve(dataDir: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: serverRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TIDEMARK_DATA_DIR: dataDir,
      TIDEMARK_LOG_LEVEL: 'silent',
      TIDEMARK_TRUSTED_PROXIES: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL'));
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
  return { proc, url, exited, output: () => out + err };
}

describe('durability over HTTP', () => {
  it('keeps every event of every 202 answer across a SIGKILL of the server', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-durability-http-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const meta = await openMetaStore({ dataDir });
    const org = await meta.orgs.create('Durability');
    const site = await meta.sites.create(org.id, { name: 'Example', domain: 'example.com' });
    await meta.close();

    const server = serve(dataDir);
    const base = await server.url;
    const acked: string[][] = [];
    let sent = 0;
    let failed = 0;
    let running = true;
    const client = async (c: number) => {
      for (let i = 0; running; i++) {
        const ids = Array.from({ length: 20 }, () => uuidv7());
        const body = {
          site_id: site.tracking_id,
          events: ids.map((event_id, k) => ({
            event_id,
            name: 'page_view',
            properties: { url: `https://example.com/c${c}/r${i}/e${k}`, title: 'Page' },
          })),
        };
        sent++;
        try {
          const res = await fetch(`${base}/api/collect`, {
            method: 'POST',
            headers: {
              'content-type': 'text/plain;charset=UTF-8',
              origin: 'https://example.com',
              'user-agent': CHROME_UA,
              'accept-language': 'en-US',
              accept: '*/*',
              'x-forwarded-for': `198.51.100.${c + 1}`,
            },
            body: JSON.stringify(body),
          });
          const json = (await res.json()) as { events_received?: number };
          if (res.status === 202) {
            expect(json.events_received).toBe(20); // nothing filtered: every id below must be stored
            acked.push(ids);
          } else failed++;
        } catch {
          failed++; // the connection died with the server: not acknowledged
          return;
        }
      }
    };
    const clients = Array.from({ length: 24 }, (_, c) => client(c));
    while (acked.length < 300) {
      if ((await Promise.race([server.exited.then(() => 'dead'), new Promise((r) => setTimeout(r, 20, 'tick'))])) === 'dead') break;
    }
    server.proc.kill('SIGKILL');
    running = false;
    await Promise.all(clients);
    expect(await server.exited).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(300);
    expect(sent).toBeGreaterThan(acked.length);
    expect(acked.length + failed).toBe(sent); // every request was answered 202 or counted as not acknowledged

    // Restart the server on the same directory (WAL replay), then read the file directly after it stops.
    const again = serve(dataDir);
    // One answered request proves the tick that printed "listening" (and installed the SIGTERM handler) is over.
    await fetch(`${await again.url}/health`);
    again.proc.kill('SIGTERM');
    const code = await again.exited;
    expect(code, again.output()).toBe(0);
    const store = await DuckDbEventStore.open(path.join(dataDir, 'events.duckdb'));
    await store.init();
    try {
      const rows = await store.query<{ id: string; n: number }>(
        'SELECT CAST(event_id AS VARCHAR) AS id, count(*) AS n FROM events WHERE site_id = ? GROUP BY 1',
        [site.id],
      );
      const stored = new Map(rows.map((r) => [r.id, r.n]));
      const missing = acked.flat().filter((id) => stored.get(id) !== 1);
      expect(missing).toEqual([]);
      expect([...stored.values()].every((n) => n === 1)).toBe(true);
      const raw = await store.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?', [site.id]);
      expect(raw[0]!.n).toBeGreaterThanOrEqual(acked.length);
    } finally {
      await store.close();
    }
  }, 240_000); // two cold server starts and a mid-stream kill: slow on a busy two-core machine
});
