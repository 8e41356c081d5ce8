import fs from 'node:fs';
import { Writable } from 'node:stream';
// A real Prometheus text-format parser (the one prometheus2json uses), not a regex of ours.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '../src/index';
import { Client, signUp } from './helpers/accounts';
import { tempDataDir } from './helpers/server';

/**
 * GET /metrics (prom-client) parsed by a Prometheus text parser: request counts and latency per route
 * pattern, collected events, query latency per report, process and event-loop metrics, each checked
 * against what this test did; access by token or from this machine only; and the JSON request log,
 * written while secrets, keys, tokens and addresses pass through, holds none of them.
 */
interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }>;
}

class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const PW = 'correct horse battery';
const CLIENT_IP = '203.0.113.77';

let server: RunningServer;
let tokenServer: RunningServer;
const dirs: string[] = [];
const log = new LogCapture();
let owner: Client;
let site: { id: string; tracking_id: string; domain: string };
let readKey: string;

async function start(env: Record<string, string>, logStream?: Writable): Promise<RunningServer> {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const config = loadConfig({ TIDEMARK_LOG_LEVEL: 'info', ...env }, { host: '127.0.0.1', port: 0, dataDir, trustedProxies: ['127.0.0.1'] });
  return startServer(config, logStream ? { logStream } : {});
}

let lastText = '';
async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  lastText = await res.text();
  const families = parsePrometheusTextFormat(lastText) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

/**
 * The parser folds a histogram's label sets into one sample, so a labelled histogram's count is read
 * from its `_count` line (after the parser has accepted the whole text and typed the family).
 */
function histogramCount(fams: Map<string, Family>, name: string, labels: Record<string, string>): number | undefined {
  expect(fams.get(name)?.type).toBe('HISTOGRAM');
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = lastText.split('\n').find((l) => l.startsWith(`${name}_count{`) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const sample = (fams: Map<string, Family>, name: string, labels: Record<string, string>) =>
  fams.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

beforeAll(async () => {
  server = await start({}, log);
  tokenServer = await start({ TIDEMARK_METRICS_TOKEN: 'metrics-token-0123456789abcdef' });
  owner = (await signUp(server.url, 'owner@example.com', PW, { org_name: 'Acme' })).client;
  site = (await owner.post('/api/sites', { domain: 'metrics.example', timezone: 'UTC' })).body;
  readKey = (await owner.post('/api/keys', { name: 'reader', permissions: ['read'] })).body.key;
});

afterAll(async () => {
  await server?.stop();
  await tokenServer?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  it('counts what happened, by route pattern, report and reason', async () => {
    let accepted = 0;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${server.url}/api/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': UA, origin: 'https://metrics.example', 'x-forwarded-for': CLIENT_IP },
        body: JSON.stringify({
          site_id: site.tracking_id,
          events: [
            { name: 'page_view', properties: { url: `https://metrics.example/p${i}`, path: `/p${i}` } },
            { name: 'page_view', properties: { url: `https://metrics.example/q${i}`, path: `/q${i}` } },
          ],
        }),
      });
      expect(r.status).toBe(202);
      accepted += ((await r.json()) as { events_received: number }).events_received;
    }
    const statsCalls = 4;
    for (let i = 0; i < statsCalls; i++)
      expect((await owner.get(`/api/sites/${site.id}/stats?period=today&metrics=visitors`)).status).toBe(200);
    expect((await owner.get(`/api/sites/${site.id}/stats?period=today&metrics=visitors&dimensions=page`)).status).toBe(200);
    expect((await owner.get(`/api/sites/${site.id}/stats?period=today&metrics=nonsense`)).status).toBe(400);

    const fams = await scrape(server.url);
    const route = '/api/sites/:id/stats';
    expect(sample(fams, 'tidemark_http_requests_total', { route, method: 'GET', status: '200' })?.value).toBe(String(statsCalls + 1));
    expect(sample(fams, 'tidemark_http_requests_total', { route, method: 'GET', status: '400' })?.value).toBe('1');
    expect(histogramCount(fams, 'tidemark_http_request_duration_seconds', { route, method: 'GET' })).toBe(statsCalls + 2);
    expect(sample(fams, 'tidemark_http_requests_total', { route: '/api/collect', method: 'POST', status: '202' })?.value).toBe('3');
    expect(sample(fams, 'tidemark_collect_events_total', {})?.value).toBe(String(accepted));
    expect(Number(sample(fams, 'tidemark_group_commit_events', {})?.count)).toBeGreaterThanOrEqual(1);
    expect(histogramCount(fams, 'tidemark_query_duration_seconds', { report: 'overview' })).toBe(statsCalls);
    expect(histogramCount(fams, 'tidemark_query_duration_seconds', { report: 'pages' })).toBe(1);
    expect(fams.get('tidemark_ingest_queue_items')?.metrics[0]?.value).toBe('0');
    for (const name of [
      'tidemark_process_resident_memory_bytes',
      'tidemark_nodejs_eventloop_lag_p99_seconds',
      'tidemark_nodejs_heap_size_used_bytes',
    ])
      expect(Number(fams.get(name)?.metrics[0]?.value), name).toBeGreaterThan(0);
    // Labels are patterns and codes: no site ids, paths or addresses.
    const labels = JSON.stringify([...fams.values()].flatMap((f) => f.metrics.map((m) => m.labels ?? {})));
    for (const s of [site.id, '/p0', CLIENT_IP, '127.0.0.1']) expect(labels).not.toContain(s);
  });

  it('answers this machine only without a token, and only the token with one', async () => {
    expect((await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': CLIENT_IP } })).status).toBe(403);
    expect((await fetch(`${tokenServer.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${tokenServer.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdeX' } })).status,
    ).toBe(401);
    const fams = await scrape(tokenServer.url, { authorization: 'Bearer metrics-token-0123456789abcdef' });
    expect(fams.has('tidemark_http_requests_total')).toBe(true);
  });
});

describe('the request log', () => {
  it('is JSON with request ids and holds no passwords, keys, tokens, cookies or client addresses', async () => {
    const before = log.lines.length;
    const anon = new Client(server.url);
    await anon.post('/api/auth/login', { email: 'owner@example.com', password: 'wrong password here' }, { 'x-forwarded-for': CLIENT_IP });
    const keyed = new Client(server.url);
    keyed.bearer = readKey;
    expect((await keyed.get(`/v1/sites/${site.id}/stats?period=today`, { 'x-forwarded-for': CLIENT_IP })).status).toBe(200);
    const share = (await owner.post(`/api/sites/${site.id}/shares`, { password: 'share password 1' })).body;
    const unlocked = await anon.post(
      `/api/share/${share.token}/unlock`,
      { password: 'share password 1' },
      { 'x-forwarded-for': CLIENT_IP },
    );
    expect(unlocked.status).toBe(200);
    await anon.get(`/api/share/${share.token}/stats?period=today`, { 'x-share-access': unlocked.body.access_token });
    await fetch(`${server.url}/share/${share.token}`);
    await fetch(`${server.url}/v1/sites/${site.id}/export?from=2026-01-01&to=2026-01-02&api_key=${readKey}`);
    const lines = log.lines.slice(before);
    expect(lines.length).toBeGreaterThan(6);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.filter((e) => e.reqId !== undefined).length).toBeGreaterThan(6);
    const text = lines.join('\n');
    const sessionValue = owner.cookie!.split('=')[1]!;
    for (const secret of [
      PW,
      'wrong password here',
      'share password 1',
      readKey,
      readKey.slice(0, 24),
      share.token,
      unlocked.body.access_token,
      sessionValue,
      CLIENT_IP,
    ])
      expect(text, `log holds ${secret.slice(0, 12)}…`).not.toContain(secret);
  });
});
