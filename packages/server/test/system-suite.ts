import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
// A real Prometheus text-format parser, as the monitoring test uses.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemAlertSchema, systemStatusSchema, type SystemStatus } from '@tidemark/core';
import { hashPassword } from '../src/auth';
import type { Config } from '../src/index';
import { Client, signUp } from './helpers/accounts';
import { CHROME_UA } from './helpers/collect';
import { startTestServer } from './helpers/server';

/**
 * The admin System page and the system alerts, on a real server (embedded: DuckDB + group commit;
 * scale-out: ClickHouse fed through the Redis stream): who may see it; its numbers against what the
 * test sent (events per site, ingest counts, drops by reason); job runs and failures on the page and in
 * /metrics (parsed with a Prometheus parser); the ingest backlog while the store's writes are held, and
 * a threshold alert on it that fires once through a real SMTP server and a signed webhook on loopback,
 * then resolves when the backlog drains.
 */
export interface SystemTarget {
  engine: 'duckdb' | 'clickhouse';
  overrides: () => Partial<Config>;
  /** The event store's write method the backlog is held at (the worker's keyed write at scale). */
  writeMethod: 'write' | 'writeKeyed';
  dependencies: string[];
  queueKind: SystemStatus['queue']['kind'];
  /** What 2 held requests of 4 and 2 events make wait at least: items (events and raw payloads), or stream entries (one a request). */
  heldAtLeast: number;
  /** Scale-out: another node of the deployment (shared metadata) started with this role reads the same page. */
  otherRole?: Config['role'];
}

interface Family {
  name: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string }>;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function systemSuite(target: SystemTarget): void {
  type Srv = Awaited<ReturnType<typeof startTestServer>>;
  let srv: Srv;
  let owner: Client;
  let root: Client;
  let smtp: SMTPServer;
  const mails: ParsedMail[] = [];
  let receiver: http.Server;
  let base = '';
  const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const sites: Array<{ id: string; tracking_id: string; domain: string }> = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, done) {
        simpleParser(stream).then((m) => {
          mails.push(m);
          done();
        }, done);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    srv = await startTestServer(
      { ...target.overrides(), smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, trustedProxies: ['127.0.0.1'] },
      { TIDEMARK_ALLOW_PRIVATE_WEBHOOKS: 'true', TIDEMARK_INSTANCE_ADMINS: 'Root@Example.com, nobody@example.com' },
    );
    owner = (await signUp(srv.url, 'owner@example.com', 'correct horse battery', { org_name: 'Acme' })).client;
    await srv.ctx.meta.users.create({ email: 'root@example.com', passwordHash: await hashPassword('root horse battery staple') });
    root = new Client(srv.url);
    const login = await root.post('/api/auth/login', { email: 'root@example.com', password: 'root horse battery staple' });
    expect(login.status, login.text).toBe(200);
    for (const domain of ['big.example', 'small.example']) {
      const r = await owner.post('/api/sites', { domain, timezone: 'UTC' });
      expect(r.status, r.text).toBe(201);
      sites.push(r.body);
    }
  });

  afterAll(async () => {
    await srv?.cleanup();
    await new Promise((r) => smtp?.close(() => r(null)));
    await new Promise((r) => receiver?.close(r));
  });

  const collect = (site: { tracking_id: string; domain: string }, n: number, headers: Record<string, string> = {}) =>
    fetch(`${srv.url}/api/collect`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: `https://${site.domain}`,
        'user-agent': CHROME_UA,
        'accept-language': 'en-US',
        'x-forwarded-for': `81.2.69.${10 + n}`,
        ...headers,
      },
      body: JSON.stringify({
        site_id: site.tracking_id,
        events: Array.from({ length: n }, (_, i) => ({
          event_id: crypto.randomUUID(),
          name: 'page_view',
          timestamp: Date.now() - 1000 + i,
          properties: { url: `https://${site.domain}/p${i}` },
        })),
      }),
    });
  const status = async () => {
    const r = await root.get('/api/admin/system');
    expect(r.status, r.text).toBe(200);
    return systemStatusSchema.parse(r.body);
  };
  const metrics = async () => {
    const r = await fetch(`${srv.url}/metrics`);
    expect(r.status).toBe(200);
    return parsePrometheusTextFormat(await r.text()) as Family[];
  };
  const family = (fs: Family[], name: string) => fs.find((f) => f.name === name);

  describe(`System page (${target.engine})`, () => {
    it('is for instance administrators only', async () => {
      expect((await new Client(srv.url).get('/api/admin/system')).status).toBe(401);
      const denied = await owner.get('/api/admin/system');
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ success: false, error: { code: 'forbidden' } });
      expect((await owner.post('/api/admin/system/alerts', {})).status).toBe(403);
      expect((await owner.get('/api/admin/system/alerts')).status).toBe(403);
      expect((await owner.get('/api/auth/me')).body.instance_admin).toBe(false);
      expect((await root.get('/api/auth/me')).body.instance_admin).toBe(true);
    });

    it('shows dependencies, ingest counts, drops by reason and events per site as sent', async () => {
      const [big, small] = sites as [(typeof sites)[0], (typeof sites)[0]];
      expect((await collect(big, 5)).status).toBe(202);
      expect((await collect(small, 3)).status).toBe(202);
      // Refused by the visitor's Do Not Track: counted as drops, not stored.
      expect((await collect(big, 2, { dnt: '1' })).status).toBe(202);
      expect((await collect(small, 1, { dnt: '1' })).status).toBe(202);
      const s = await until(
        status,
        (v) =>
          v.queue.waiting === 0 &&
          v.storage.sites.reduce((a, x) => a + x.events, 0) === 8 &&
          v.ingest.drops_today.some((d) => d.reason === 'dnt' && d.count === 3),
        'the events and drops to be stored',
      );
      expect(s.mode).toBe(target.engine === 'duckdb' ? 'embedded' : 'scale-out');
      expect(s.engine).toBe(target.engine);
      expect(s.dependencies.map((d) => d.name).sort()).toEqual([...target.dependencies].sort());
      expect(s.dependencies.every((d) => d.ok && d.error === null)).toBe(true);
      expect(s.storage.sites.map((x) => [x.domain, x.events])).toEqual([
        ['big.example', 5],
        ['small.example', 3],
      ]);
      expect(s.storage.total_bytes).toBeGreaterThan(0);
      const total = s.storage.total_bytes!;
      expect(s.storage.sites.map((x) => x.estimated_bytes)).toEqual([Math.round((total * 5) / 8), Math.round((total * 3) / 8)]);
      expect(s.ingest.events_last_hour).toBe(8);
      expect(s.ingest.events_last_5m).toBe(8);
      expect(s.ingest.per_second).toBe(Math.round((8 / 300) * 100) / 100);
      expect(s.ingest.drops_today).toEqual([{ reason: 'dnt', count: 3 }]);
      expect(s.queue).toEqual({ kind: target.queueKind, waiting: 0, oldest_age_seconds: 0 });
    });

    it('keeps job runs, failures and last errors, on the page and in /metrics', async () => {
      const before = await metrics();
      const count = (fs: Family[], name: string, job: string) =>
        Number(family(fs, name)?.metrics.find((m) => m.labels?.job === job)?.value ?? 0);
      await srv.ctx.jobs.run('probe', async () => 1);
      await srv.ctx.jobs.run('probe', async () => 2);
      await expect(srv.ctx.jobs.run('probe', async () => Promise.reject(new Error('the probe failed on purpose')))).rejects.toThrow(
        /on purpose/,
      );
      const job = (await status()).jobs.find((j) => j.name === 'probe')!;
      expect(job).toMatchObject({ runs: 3, failures: 1, last_ok: false, last_error: 'the probe failed on purpose' });
      expect(Date.parse(job.last_finished!)).toBeGreaterThanOrEqual(Date.parse(job.last_started!));
      const after = await metrics();
      expect(count(after, 'tidemark_job_runs_total', 'probe') - count(before, 'tidemark_job_runs_total', 'probe')).toBe(3);
      expect(count(after, 'tidemark_job_failures_total', 'probe') - count(before, 'tidemark_job_failures_total', 'probe')).toBe(1);
      // The backlog's gauges: the stream's lag only where there is a stream.
      expect(family(after, 'tidemark_ingest_delay_seconds')?.metrics[0]?.value).toBe('0');
      const lag = family(after, 'tidemark_ingest_stream_lag_items');
      if (target.queueKind === 'redis-stream') expect(lag?.metrics[0]?.value).toBe('0');
      else expect(lag).toBeUndefined();
    });

    // Scale-out only: the embedded store belongs to one process.
    if (target.otherRole)
      it(`another node (${target.otherRole}) shows the same stream backlog and the job runs recorded here`, async () => {
        const other = await startTestServer(
          { ...target.overrides(), role: target.otherRole! },
          { TIDEMARK_INSTANCE_ADMINS: 'root@example.com' },
        );
        try {
          const c = new Client(other.url);
          expect((await c.post('/api/auth/login', { email: 'root@example.com', password: 'root horse battery staple' })).status).toBe(200);
          const r = await c.get('/api/admin/system');
          expect(r.status, r.text).toBe(200);
          const s = systemStatusSchema.parse(r.body);
          expect(s.queue.kind).toBe('redis-stream');
          expect(s.jobs.find((j) => j.name === 'probe')).toMatchObject({ runs: 3, failures: 1 });
          expect(s.storage.sites.map((x) => x.events)).toEqual([5, 3]);
        } finally {
          await other.cleanup();
        }
      });

    it('validates system alerts', async () => {
      for (const bad of [
        { name: 'x', metric: 'cpu', threshold: 1, channels: [{ type: 'email', to: ['a@example.com'] }] },
        { name: 'x', metric: 'queue_waiting', threshold: -1, channels: [{ type: 'email', to: ['a@example.com'] }] },
        { name: 'x', metric: 'queue_waiting', threshold: 1, channels: [] },
      ]) {
        const r = await root.post('/api/admin/system/alerts', bad);
        expect(r.status, JSON.stringify(bad)).toBe(400);
        expect(r.body.success).toBe(false);
      }
      expect((await root.del('/api/admin/system/alerts/nope')).status).toBe(404);
    });

    it('shows the ingest backlog while writes are held; a system alert fires once and resolves when it drains', async () => {
      const secret = 'system-alert-secret-0123456789';
      const created = await root.post('/api/admin/system/alerts', {
        name: 'Backlog',
        metric: 'queue_waiting',
        threshold: 0,
        channels: [
          { type: 'email', to: ['oncall@example.com'] },
          { type: 'webhook', url: `${base}/system`, secret },
        ],
      });
      expect(created.status, created.text).toBe(201);
      const alert = systemAlertSchema.parse(created.body);
      const test = await root.post(`/api/admin/system/alerts/${alert.id}/test`);
      expect(test.body.deliveries.map((d: { ok: boolean }) => d.ok)).toEqual([true, true]);

      // Hold the store's writes (looked up at call time by the writer and the stream worker).
      const store = srv.ctx.events as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const original = store[target.writeMethod]!;
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      store[target.writeMethod] = async (...a: unknown[]) => {
        await gate;
        return original.apply(srv.ctx.events, a);
      };
      try {
        const answers = [collect(sites[0]!, 4), collect(sites[1]!, 2)];
        const held = await until(status, (v) => v.queue.waiting >= target.heldAtLeast && v.queue.oldest_age_seconds > 0, 'the backlog');
        expect(held.queue.kind).toBe(target.queueKind);
        expect((await srv.ctx.system.alerts.evaluateAll()).fired).toBe(1);
        expect((await srv.ctx.system.alerts.evaluateAll()).fired).toBe(0); // still the same incident
        const firing = (await root.get('/api/admin/system/alerts')).body.alerts[0];
        expect(firing).toMatchObject({ state: 'firing' });
        expect(firing.last_value).toBeGreaterThanOrEqual(target.heldAtLeast);
        release();
        for (const a of answers) expect((await a).status).toBe(202);
        await until(status, (v) => v.queue.waiting === 0, 'the backlog to drain');
      } finally {
        release();
        store[target.writeMethod] = original;
      }
      expect(await srv.ctx.system.alerts.evaluateAll()).toEqual({ fired: 0, resolved: 1 });
      const hooks = received.filter((r) => r.path === '/system');
      for (const h of hooks) {
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(h.headers['x-tidemark-signature']))!;
        expect(crypto.createHmac('sha256', secret).update(`${m[1]}.${h.body}`).digest('hex')).toBe(m[2]);
      }
      const events = hooks.map((h) => JSON.parse(h.body));
      expect(events.map((e) => e.event)).toEqual(['alert.test', 'alert.fired', 'alert.resolved']);
      expect(events[1]).toMatchObject({ alert: { id: alert.id, metric: 'queue_waiting', threshold: 0 }, site: { id: 'system' } });
      expect(events[1].value).toBeGreaterThanOrEqual(target.heldAtLeast);
      expect(events[2].value).toBe(0);
      const subjects = mails.map((m) => m.subject);
      expect(subjects.filter((x) => /^Alert: Backlog /.test(x ?? ''))).toHaveLength(1);
      expect(subjects.filter((x) => /^Resolved: Backlog /.test(x ?? ''))).toHaveLength(1);
      const listed = systemAlertSchema.parse((await root.get('/api/admin/system/alerts')).body.alerts[0]);
      expect(listed).toMatchObject({ state: 'ok', last_value: 0 });
      expect(listed.channels[1]).toEqual({ type: 'webhook', url: `${base}/system` }); // the secret is not shown again
      expect((await root.del(`/api/admin/system/alerts/${alert.id}`)).status).toBe(204);
      const s = await status();
      expect(s.storage.sites.map((x) => x.events)).toEqual([9, 5]);
    });
  });
}
