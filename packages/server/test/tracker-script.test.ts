import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTracker } from '@tidemark/tracker';
import type { AppContext } from '../src/app/context';
import { pickEncoding, trackerScriptRoutes } from '../src/http/routes/tracker-script';
import { startTestServer } from './helpers/server';

const ctx = {} as AppContext; // the route uses nothing from the context

async function appFor(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  trackerScriptRoutes(app, ctx, distDir);
  await app.ready();
  return app;
}

describe('GET /t.js', () => {
  let dist: string;
  let app: FastifyInstance;
  let plain: Buffer;

  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-t-js-'));
    await buildTracker(dist);
    plain = fs.readFileSync(path.join(dist, 't.js'));
    app = await appFor(dist);
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('serves the script as JavaScript with a validator and an hour of cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/t.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600, stale-while-revalidate=86400');
    expect(res.headers.etag).toMatch(/^W\/"[\w-]{22}"$/);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.equals(plain)).toBe(true);
  });

  it('serves the precompressed variants the client accepts', async () => {
    const br = await app.inject({ method: 'GET', url: '/t.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(plain)).toBe(true);
    const gz = await app.inject({ method: 'GET', url: '/t.js', headers: { 'accept-encoding': 'gzip;q=0.8, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(plain)).toBe(true);
    expect(gz.headers.etag).toBe(br.headers.etag);
  });

  it('answers 304 to a matching If-None-Match and caches versioned URLs for a year', async () => {
    const first = await app.inject({ method: 'GET', url: '/t.js' });
    const again = await app.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const stale = await app.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': 'W/"something-else"' } });
    expect(stale.statusCode).toBe(200);
    const versioned = await app.inject({ method: 'GET', url: '/t.js?v=3' });
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves the extension too, and picks up a rebuilt file without a restart', async () => {
    const ext = await app.inject({ method: 'GET', url: '/t.auto.js' });
    expect(ext.statusCode).toBe(200);
    expect(ext.body).toContain('outbound_click');
    const before = (await app.inject({ method: 'GET', url: '/t.js' })).headers.etag;
    const file = path.join(dist, 't.js');
    fs.writeFileSync(file, plain.toString() + '\n//x');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = await app.inject({ method: 'GET', url: '/t.js' });
    expect(after.headers.etag).not.toBe(before);
    expect(after.body.endsWith('//x')).toBe(true);
    fs.writeFileSync(file, plain);
  });

  it('builds on first request when dist is empty', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-t-js-empty-'));
    const lazy = await appFor(empty);
    try {
      const [a, b] = await Promise.all([lazy.inject({ method: 'GET', url: '/t.js' }), lazy.inject({ method: 'GET', url: '/t.js' })]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(a.body).toContain('/api/collect');
      expect(fs.existsSync(path.join(empty, 't.js.br'))).toBe(true);
    } finally {
      await lazy.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('answers a 503 JSON error when the script is missing and cannot be built', async () => {
    // dist under a regular file: nothing can be written there.
    const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-t-js-blocked-')), 'file');
    fs.writeFileSync(blocker, '');
    const broken = await appFor(path.join(blocker, 'dist'));
    try {
      const res = await broken.inject({ method: 'GET', url: '/t.js' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        success: false,
        error: { code: 'tracker_not_built', message: expect.stringContaining('npm run build') },
      });
    } finally {
      await broken.close();
      fs.rmSync(path.dirname(blocker), { recursive: true, force: true });
    }
  });
});

describe('pickEncoding', () => {
  const both = { br: 1, gzip: 1 };
  it('prefers brotli, honours q=0 and wildcards', () => {
    expect(pickEncoding('gzip, br', both)).toBe('br');
    expect(pickEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(pickEncoding('*', both)).toBe('br');
    expect(pickEncoding('*;q=0, identity', both)).toBe('identity');
    expect(pickEncoding(undefined, both)).toBe('identity');
    expect(pickEncoding('br', { gzip: 1 })).toBe('identity');
  });
});

describe('the real server', () => {
  it('has /t.js among its routes', async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.url}/t.js`, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      expect(await res.text()).toContain('/api/collect');
    } finally {
      await server.cleanup();
    }
  });
});
