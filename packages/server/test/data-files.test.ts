import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type Config } from '../src/index';
import { tempDataDir } from './helpers/server';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe('data directory, file modes and the server secret (issue 24)', () => {
  const root = tempDataDir();
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const config = (dataDir: string, env: NodeJS.ProcessEnv = {}, over: Partial<Config> = {}) =>
    loadConfig({ TIDEMARK_LOG_LEVEL: 'silent', ...env }, { host: '127.0.0.1', port: 0, dataDir, ...over });

  it('creates the data directory 0700 and every data file 0600, raw payload files included', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const server = await startServer(config(dataDir, {}, { trustedProxies: ['127.0.0.1'] }));
    try {
      const org = await server.ctx.meta.orgs.create('Files');
      const site = await server.ctx.meta.sites.create(org.id, { name: 'Files', domain: 'example.com' });
      const res = await fetch(`${server.url}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          origin: 'https://example.com',
          'user-agent': CHROME_UA,
          'x-forwarded-for': '203.0.113.9',
        },
        body: JSON.stringify({ site_id: site.tracking_id, events: [{ name: 'page_view', properties: { url: 'https://example.com/' } }] }),
      });
      expect(res.status).toBe(202);
    } finally {
      await server.stop();
    }
    expect(modeOf(dataDir)).toBe(0o700);
    const files = ['events.duckdb', 'meta.sqlite', 'secret'].map((f) => path.join(dataDir, f));
    const rawDir = path.join(dataDir, 'events.raw');
    const rawFiles = fs.readdirSync(rawDir).map((f) => path.join(rawDir, f));
    expect(rawFiles.some((f) => /T\d\d\.\d+\.ndjson$/.test(f))).toBe(true);
    for (const f of [...files, ...rawFiles]) expect(modeOf(f), f).toBe(0o600);
    expect(modeOf(rawDir)).toBe(0o700);
  });

  it('generates the secret once and keeps it across restarts; TIDEMARK_SECRET replaces it', async () => {
    const dataDir = path.join(root, 'secret-dir');
    const first = await startServer(config(dataDir));
    const digest1 = first.ctx.keys.hmac('test', 'x');
    await first.stop();
    const secret = fs.readFileSync(path.join(dataDir, 'secret'), 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await startServer(config(dataDir));
    expect(second.ctx.keys.hmac('test', 'x')).toBe(digest1);
    await second.stop();

    const explicitDir = path.join(root, 'explicit');
    const third = await startServer(config(explicitDir, { TIDEMARK_SECRET: 's'.repeat(40) }));
    expect(third.ctx.keys.hmac('test', 'x')).not.toBe(digest1);
    await third.stop();
    expect(fs.existsSync(path.join(explicitDir, 'secret'))).toBe(false);
  });

  it('makes files an older version left 0644 private again, and refuses shared deployments without a secret', async () => {
    const dataDir = path.join(root, 'old');
    await (await startServer(config(dataDir))).stop();
    fs.chmodSync(path.join(dataDir, 'meta.sqlite'), 0o644);
    fs.chmodSync(path.join(dataDir, 'events.duckdb'), 0o644);
    await (await startServer(config(dataDir))).stop();
    expect(modeOf(path.join(dataDir, 'meta.sqlite'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'events.duckdb'))).toBe(0o600);

    await expect(startServer(config(path.join(root, 'shared'), {}, { redisUrl: 'redis://127.0.0.1:1/0' }))).rejects.toThrow(
      /TIDEMARK_SECRET must be set/,
    );
  });
});
