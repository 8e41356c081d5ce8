import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '../src/index';
import { buildHttpApp } from '../src/http';
import { Client, signUp } from './helpers/accounts';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';
import { tempDataDir } from './helpers/server';
import type { EventStore } from '../src/store';

const clickhouse = await clickhouseAvailable('logging-headers');
/** A ClickHouse store on a fresh database, or undefined when ClickHouse is absent (skipped; a failure in CI). */
const openClickHouse = async (): Promise<EventStore | undefined> => (clickhouse.ok ? openTempClickHouseStore('tidemark_logs') : undefined);

/** Collects every line the server logs. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  entries(): Array<Record<string, any>> {
    return this.lines.map((l) => JSON.parse(l));
  }
}

describe('request log and response headers (issue 24: secrets and logs)', () => {
  const log = new LogCapture();
  let server: RunningServer;
  let dataDir: string;
  let owner: Client;
  let orgId: string;

  beforeAll(async () => {
    dataDir = tempDataDir();
    const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'info' }, { host: '127.0.0.1', port: 0, dataDir, trustedProxies: ['127.0.0.1'] });
    server = await startServer(config, { logStream: log });
    const reg = await signUp(server.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' });
    owner = reg.client;
    orgId = reg.me.current_org.id;
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs route patterns, never invitation tokens, API keys in query strings or unmatched paths', async () => {
    const inv = await owner.post(`/api/orgs/${orgId}/invitations`, { email: 'invitee@example.com', role: 'viewer' });
    expect(inv.status).toBe(201);
    const token: string = inv.body.token;
    expect(token.length).toBeGreaterThan(20);
    const anon = new Client(server.url);
    expect((await anon.get(`/api/invitations/${token}`)).status).toBe(200);
    const apiKey = 'tm_live_QueryStringKeyThatMustNotBeLogged0123';
    expect((await anon.get(`/v1/sites?api_key=${apiKey}`)).status).toBeGreaterThanOrEqual(400);
    const unmatched = `/api/no-such-route/${'z'.repeat(12)}SecretPathPart`;
    expect((await anon.get(unmatched)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 50));

    expect(log.text).not.toContain(token);
    expect(log.text).not.toContain(apiKey);
    expect(log.text).not.toContain('SecretPathPart');
    expect(log.text).not.toContain('invitee@example.com');
    const routes = log
      .entries()
      .filter((e) => e.req)
      .map((e) => e.req.route);
    expect(routes).toContain('/api/invitations/:token');
    expect(routes).toContain('/v1/sites');
    // The unknown API path answered 404 from the dashboard's catch-all route: logged as its pattern.
    expect(routes).toContain('/*');
    for (const e of log.entries()) if (e.req) expect(Object.keys(e.req).sort()).toEqual(['method', 'route']);
  });

  // Both engines quote the value they failed on; neither copy may reach the log.
  const engines = [
    { name: 'DuckDB', failing: (v: string) => `SELECT CAST('${v}' AS INTEGER) AS n`, shape: /Conversion Error/, open: async () => null },
    {
      name: 'ClickHouse',
      failing: (v: string) => `SELECT toInt32('${v}') AS n`,
      shape: /ClickHouse: Code: \d+.*DB::Exception: Cannot parse string ‹…›/,
      open: openClickHouse,
    },
  ];
  for (const engine of engines) {
    it(`logs ${engine.name} errors by type, code and a redacted message, without the values they quote`, async (t) => {
      const store = await engine.open();
      if (store === undefined) return t.skip();
      const events = store ?? server.ctx.events;
      const capture = new LogCapture();
      const app = await buildHttpApp({ ...server.ctx, events }, { logStream: capture });
      const tracked = 'visitor.7f3a@example.com';
      // A real engine error that quotes a tracked value back, as a failing report would. The engine
      // refused a value, so the answer is a generic 400 (http/errors.ts), without the engine's message.
      app.get('/test/engine-error', async () => events.query(engine.failing(tracked)));
      try {
        const res = await app.inject({ method: 'GET', url: '/test/engine-error?path=/private/page' });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('invalid_query_input');
        expect(res.body).not.toContain(tracked);
      } finally {
        await app.close();
        await store?.close();
      }
      const entry = capture.entries().find((e) => e.msg === 'query input refused by the engine');
      expect(entry).toBeDefined();
      expect(capture.text).not.toContain(tracked);
      expect(capture.text).not.toContain('7f3a');
      expect(capture.text).not.toContain('/private/page');
      expect(entry!.err.type).toBeTruthy();
      expect(entry!.err.message).toMatch(engine.shape);
      expect(capture.entries().some((e) => e.req?.route === '/test/engine-error')).toBe(true);
    });
  }

  it('sends no-store and nosniff on JSON, keeps the tracker script cacheable, and HSTS only over TLS', async () => {
    const me = await owner.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.headers.get('x-content-type-options')).toBe('nosniff');
    expect(me.headers.get('strict-transport-security')).toBeNull();

    const anon = new Client(server.url);
    const err = await anon.get('/api/auth/me');
    expect(err.status).toBe(401);
    expect(err.headers.get('cache-control')).toBe('no-store');
    expect(err.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await fetch(`${server.url}/t.js`);
    if (script.status === 200) {
      expect(script.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    }

    // Behind a trusted proxy (127.0.0.1 here) that terminated TLS.
    const viaTls = await anon.get('/api/auth/setup', { 'x-forwarded-proto': 'https' });
    expect(viaTls.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(viaTls.headers.get('cache-control')).toBe('no-store');
  });

  it('ignores X-Forwarded-Proto from an untrusted peer', async () => {
    const dir = tempDataDir();
    const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'silent' }, { host: '127.0.0.1', port: 0, dataDir: dir });
    const untrusted = await startServer(config);
    try {
      const res = await new Client(untrusted.url).get('/api/auth/setup', { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
    } finally {
      await untrusted.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
