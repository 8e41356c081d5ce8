import fs from 'node:fs';
import type { Config } from '../../src/config';
import { loadConfig } from '../../src/config';
import { startTestServer, tempDataDir } from './server';
import { buildHttpApp } from '../../src/http';
import { openMetaStore } from '../../src/meta';
import { createAuthServices } from '../../src/auth';
import type { AppContext } from '../../src/app';
import type { EventStore } from '../../src/store';
import type { FastifyInstance } from 'fastify';

export interface AccountsServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  cleanup(): Promise<void>;
}

/**
 * A real server for the accounts suites. While the event store is not wired yet, the app runs on a
 * context without one (every accounts route only touches the metadata store); once it is, this is
 * exactly startTestServer.
 */
export async function startAccountsServer(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = {}): Promise<AccountsServer> {
  try {
    const s = await startTestServer(overrides, env);
    return { url: s.url, app: s.app, ctx: s.ctx, cleanup: () => s.cleanup() };
  } catch (err) {
    if (!(err instanceof Error) || !/event store: not wired yet/.test(err.message)) throw err;
  }
  const dataDir = overrides.dataDir ?? tempDataDir();
  const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'silent', ...env }, { host: '127.0.0.1', port: 0, dataDir, ...overrides });
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir });
  // Stand-in until the event store is wired: every method but close() fails loudly if a route uses it.
  const unavailable = () => Promise.reject(new Error('event store not available in this test'));
  const base: Record<string | symbol, unknown> = { dialect: 'duckdb', close: async () => {} };
  const events = new Proxy(base, { get: (t, p) => (p in t ? t[p] : unavailable) }) as unknown as EventStore;
  // Only what accounts routes need is real here; the cast keeps this stand-in compiling as others add
  // services (it goes away once the event store is wired and startTestServer works).
  const ctx = {
    config,
    events,
    meta,
    auth: createAuthServices(config),
    closers: [],
  } satisfies Partial<AppContext> as unknown as AppContext;
  const { bootstrapAdmin } = await import('../../src/auth');
  await bootstrapAdmin(ctx, () => {});
  const app = await buildHttpApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    ctx,
    async cleanup() {
      await app.close();
      await meta.close();
      if (!overrides.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/**
 * A browser-like client: keeps the session cookie and sends a same-origin Origin on changes
 * (set `origin: null` to omit it, or another value to act cross-site).
 */
export class Client {
  cookie: string | null = null;
  bearer: string | null = null;

  constructor(
    readonly base: string,
    readonly opts: { origin?: string | null } = {},
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const origin = this.opts.origin === undefined ? this.base : this.opts.origin;
    if (origin && method !== 'GET' && !('origin' in headers)) h.origin = origin;
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (name === 'tm_session') this.cookie = value ? `tm_session=${value}` : null;
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body: unknown = {}, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  del<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}

/** Registers (or signs in) and returns a client holding the session. */
export async function signUp(
  base: string,
  email: string,
  password = 'correct horse battery',
  extra: Record<string, unknown> = {},
): Promise<{ client: Client; me: any }> {
  const client = new Client(base);
  const r = await client.post('/api/auth/register', { email, password, ...extra });
  if (r.status !== 201) throw new Error(`register ${email} -> ${r.status} ${r.text}`);
  return { client, me: r.body };
}

/**
 * Open sign-up as a person does it: register (202), take the confirmation link from the mail the SMTP
 * sink caught, and confirm it; returns the signed-in client and its /me answer.
 */
export async function signUpConfirmed(
  base: string,
  mail: { messages: string[] },
  email: string,
  password = 'correct horse battery',
  extra: Record<string, unknown> = {},
): Promise<{ client: Client; me: any }> {
  const client = new Client(base);
  const seen = mail.messages.length;
  const r = await client.post('/api/auth/register', { email, password, ...extra });
  if (r.status !== 202) throw new Error(`open sign-up ${email} -> ${r.status} ${r.text}`);
  const message = mail.messages
    .slice(seen)
    .map((m) => m.replace(/=\r\n/g, ''))
    .find((m) => m.toLowerCase().includes(`to: ${email.toLowerCase()}`));
  const token = message && /\/verify-email\/([A-Za-z0-9_-]{20,})/.exec(message)?.[1];
  if (!token) throw new Error(`no confirmation mail for ${email}`);
  const v = await client.post('/api/auth/verify-email', { token, password });
  if (v.status !== 200) throw new Error(`confirm ${email} -> ${v.status} ${v.text}`);
  return { client, me: v.body };
}
