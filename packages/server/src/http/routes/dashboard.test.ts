import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app/context';
import { DASHBOARD_CSP, dashboardRoutes } from './dashboard';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function dist(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-dist-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

async function appWith(dir: string) {
  const app = Fastify();
  dashboardRoutes(app, {} as AppContext, dir);
  app.get('/api/known', async () => ({ ok: true }));
  await app.ready();
  return app;
}

const INDEX = '<!doctype html><title>Tidemark</title><script type="module" src="/assets/app-abc.js"></script>';
const BIG_JS = `console.log(${JSON.stringify('x'.repeat(5000))});`;

describe('dashboard static route', () => {
  it('serves index.html with the CSP for / and for client routes', async () => {
    const app = await appWith(dist({ 'index.html': INDEX, 'assets/app-abc.js': BIG_JS }));
    for (const url of ['/', '/sites/123/settings?period=today', '/invite/tok']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
  });

  it('starts when a file vanishes between listing and reading (a rebuild under way), serving the rest', async () => {
    const dir = dist({ 'index.html': INDEX, 'assets/app-abc.js': BIG_JS });
    // A dangling link is listed by readdir but cannot be read: the same as a file deleted in between.
    fs.symlinkSync(path.join(dir, 'assets/removed-by-rebuild.js'), path.join(dir, 'assets/app-old.js'));
    const app = await appWith(dir);
    expect((await app.inject({ url: '/assets/app-abc.js' })).body).toBe(BIG_JS);
    expect((await app.inject({ url: '/' })).body).toBe(INDEX);
  });

  it('serves hashed assets as immutable, gzipped when accepted', async () => {
    const app = await appWith(dist({ 'index.html': INDEX, 'assets/app-abc.js': BIG_JS }));
    const plain = await app.inject({ url: '/assets/app-abc.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.body).toBe(BIG_JS);
    const gz = await app.inject({ url: '/assets/app-abc.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(BIG_JS);
  });

  it('answers unknown API paths and missing assets with a JSON 404, never the SPA', async () => {
    const app = await appWith(dist({ 'index.html': INDEX }));
    for (const url of ['/api/nope', '/v1/nope', '/assets/old-hash.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ success: false, error: { code: 'not_found' } });
    }
    expect((await app.inject({ url: '/api/known' })).json()).toEqual({ ok: true });
  });

  it('explains a missing build instead of failing', async () => {
    const app = await appWith(dist({}));
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
  });
});
