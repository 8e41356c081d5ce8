import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ClickHouseHttp, parseClickHouseUrl } from '../../packages/server/src/store';
import { openRedis } from '../../packages/server/src/scaleout';
import { fmt, machineInfo, rmrf, today } from '../lib/machine';
import { BENCH_COLLECT_LIMITS, runTs, SERVER_NODE_FLAGS, spawnTs, stop, waitForLine } from '../lib/proc';
import { writeResultSection } from '../lib/readme';
import { BENCH_HOST } from '../ingest/bodies';
import type { WorkerOutput } from '../ingest/load-worker';
import { chDatabaseUrl, tempPgDatabase, type ScaleOutServices } from './services';

export interface ScaleOutIngestOptions {
  requests: number;
  warmup: number;
  connections: number;
  batch: number;
  collectors: number;
  write: boolean;
}

/**
 * Ingest in scale-out mode on one machine: `--role=collector` node(s) answering 202 once a request's
 * events are in the Redis stream, one `--role=worker` writing the stream into ClickHouse, PostgreSQL for
 * metadata. Measures what the collectors acknowledge (the client-facing number) and how long until
 * the worker has everything in ClickHouse (end-to-end), then checks every acknowledged id is stored once.
 */
export async function runScaleOutIngest(o: ScaleOutIngestOptions, svc: ScaleOutServices): Promise<void> {
  const started = today();
  const machine = machineInfo();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-bench-scaleout-'));
  const pg = await tempPgDatabase(svc.pgAdminUrl);
  const prefix = `tmbench:${crypto.randomBytes(4).toString('hex')}:`;
  const chUrl = chDatabaseUrl(svc.clickhouseUrl, `tidemark_bench_${crypto.randomBytes(4).toString('hex')}`);
  const ch = new ClickHouseHttp(parseClickHouseUrl(chUrl));
  const redis = openRedis(svc.redisUrl);
  const email = 'bench@bench.example';
  const password = crypto.randomBytes(12).toString('hex');
  const env = (role: string): NodeJS.ProcessEnv => ({
    PORT: '0',
    HOST: '127.0.0.1',
    TIDEMARK_DATA_DIR: path.join(work, role + crypto.randomBytes(2).toString('hex')),
    TIDEMARK_LOG_LEVEL: 'warn',
    TIDEMARK_ADMIN_EMAIL: email,
    TIDEMARK_ADMIN_PASSWORD: password,
    TIDEMARK_TRUSTED_PROXIES: '127.0.0.1',
    TIDEMARK_SECRET: 'b'.repeat(64),
    DATABASE_URL: pg.url,
    TIDEMARK_EVENTS_URL: chUrl,
    REDIS_URL: svc.redisUrl,
    TIDEMARK_REDIS_PREFIX: prefix,
    ...BENCH_COLLECT_LIMITS,
  });
  const procs: ChildProcess[] = [];
  const start = async (role: string) => {
    const p = spawnTs('packages/server/src/cli/main.ts', ['serve', `--role=${role}`], env(role), SERVER_NODE_FLAGS);
    procs.push(p);
    const [, url] = await waitForLine(p, /listening on (http:\/\/\S+)/, 120_000);
    return url!;
  };
  try {
    console.log(`[scaleout ingest] ${machine}`);
    const apiUrl = await start('api');
    const site = await createSite(apiUrl, await login(apiUrl, email, password));
    const collectorUrls: string[] = [];
    for (let i = 0; i < o.collectors; i++) collectorUrls.push(await start('collector'));
    await start('worker');
    const stream = `${prefix}events`;
    const load = (requests: number, seed: string, ackedIdsFile?: string) =>
      Promise.all(
        collectorUrls.map((url, i) => {
          const input = {
            url,
            trackingId: site.tracking_id,
            requests: Math.ceil(requests / collectorUrls.length),
            batch: o.batch,
            connections: Math.ceil(o.connections / collectorUrls.length),
            seed: `${seed}-${i}`,
            ids: 'v4',
            ackedIdsFile: ackedIdsFile && `${ackedIdsFile}.${i}`,
            timeoutSec: 30,
          };
          return runTs('bench/ingest/load-worker.ts', [JSON.stringify(input)], 15 * 60_000).then(
            (out) => JSON.parse(out.trim().split('\n').pop()!) as WorkerOutput,
          );
        }),
      );
    const drained = async () =>
      (await redis.xlen(stream)) === 0 && Number(((await redis.xpending(stream, 'writers')) as [number])[0]) === 0;
    const waitDrained = async () => {
      while (!(await drained())) await new Promise((r) => setTimeout(r, 20));
    };

    console.log(`[scaleout ingest] warm-up: ${o.warmup} requests`);
    await load(o.warmup, 'bench-warmup');
    await waitDrained();
    const storedBefore = await countSite(ch, site.id);
    console.log(
      `[scaleout ingest] run: ${o.requests} requests × ${o.batch} events, ${o.connections} connections over ${o.collectors} collector(s)`,
    );
    const ackedBase = path.join(work, 'acked-run.csv');
    const t0 = performance.now();
    const runs = await load(o.requests, 'bench-run', ackedBase);
    const tLoad = (performance.now() - t0) / 1000;
    await waitDrained();
    const tDrained = (performance.now() - t0) / 1000;
    const acked = runs.reduce((n, r) => n + r.ackedEvents, 0);
    const ackRate = acked / Math.max(...runs.map((r) => r.durationSec));
    const e2eRate = acked / tDrained;
    const p50 = Math.max(...runs.map((r) => r.latencyMs.p50));
    const p99 = Math.max(...runs.map((r) => r.latencyMs.p99));
    const failed = runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    console.log(
      `[scaleout ingest] collectors acknowledged ${fmt(ackRate)} events/s (p50 ${p50} ms, p99 ${p99} ms, ${failed} failed); all in ClickHouse after ${tDrained.toFixed(1)} s (load took ${tLoad.toFixed(1)} s): ${fmt(e2eRate)} events/s end to end`,
    );

    const ids = collectorUrls.flatMap((_, i) => fs.readFileSync(`${ackedBase}.${i}`, 'utf8').split('\n').slice(1).filter(Boolean));
    const v = await verify(ch, site.id, ids);
    const storedRun = (await countSite(ch, site.id)) - storedBefore;
    const verdict = v.missing === 0 && v.duplicated === 0 ? 'all stored once' : `${v.missing} MISSING, ${v.duplicated} DUPLICATED`;
    console.log(
      `[scaleout ingest] acknowledged ${fmt(ids.length)} events, ${fmt(ids.length - v.missing)} of them in ClickHouse (${fmt(storedRun)} events stored by the run): ${verdict}`,
    );

    console.log('[scaleout ingest] embedded baseline: the same load on `serve` (DuckDB, durable group commit)');
    const base = await embeddedBaseline(o, work);
    console.log(
      `[scaleout ingest] embedded: ${fmt(base.eventsPerSec)} events/s acknowledged (p50 ${base.latencyMs.p50} ms, p99 ${base.latencyMs.p99} ms, ${base.non2xx + base.errors + base.timeouts} failed)`,
    );

    if (o.write) {
      writeResultSection(
        'scaleout-ingest',
        `### Scale-out ingest, last run: ${started}

Machine: ${machine}; ClickHouse ${svc.clickhouseVersion}, Redis ${svc.redisVersion}, PostgreSQL metadata — all on the same machine as the load generator.
Layout: ${o.collectors} \`--role=collector\` process(es) → Redis stream → 1 \`--role=worker\` → ClickHouse. Load: ${fmt(o.requests)} requests of ${o.batch} events (tracker wire format), ${o.connections} keep-alive connections, after a ${fmt(o.warmup)}-request warm-up.

| measure | scale-out | embedded (\`serve\`, same load, same run) |
|---|---:|---:|
| events/s acknowledged to clients | ${fmt(ackRate)} (in Redis) | ${fmt(base.eventsPerSec)} (in DuckDB, fsynced) |
| request latency p50 / p99 (ms) | ${p50} / ${p99} | ${base.latencyMs.p50} / ${base.latencyMs.p99} |
| events/s end to end (first request → all in ClickHouse) | ${fmt(e2eRate)} | — |
| time for the worker to catch up after the load ended (s) | ${(tDrained - tLoad).toFixed(1)} | — |
| failed requests | ${failed} | ${base.non2xx + base.errors + base.timeouts} |

On one 2-vCPU machine the scale-out processes (api, collector, worker, ClickHouse, Redis, PostgreSQL, the load
generator) share the same two cores, so this shows the overhead of the path, not its capacity: the point of
scale-out is adding machines (collectors and workers scale out independently).

Check: ${fmt(ids.length)} events acknowledged, ${fmt(ids.length - v.missing)} of them found in ClickHouse — ${verdict}.`,
      );
    }
  } finally {
    for (const p of procs.reverse()) await stop(p);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await ch.exec(`DROP DATABASE IF EXISTS \`${ch.conn.database}\``, { database: null }).catch(() => undefined);
    await pg.drop();
    rmrf(work);
  }
}

async function countSite(ch: ClickHouseHttp, siteId: string): Promise<number> {
  const [r] = await ch.select<{ n: number }>(
    `SELECT count() AS n FROM events FINAL WHERE site_id = '${siteId.replace(/[^A-Za-z0-9_-]/g, '')}'`,
  );
  return Number(r?.n ?? 0);
}

/** Looks every acknowledged id up: how many are missing, how many stored more than once (after FINAL). */
async function verify(ch: ClickHouseHttp, siteId: string, ids: string[]): Promise<{ missing: number; duplicated: number }> {
  const table = `acked_${crypto.randomBytes(4).toString('hex')}`;
  await ch.exec(`CREATE TABLE ${table} (event_id String) ENGINE = Memory`);
  try {
    for (let i = 0; i < ids.length; i += 100_000)
      await ch.insert(
        table,
        ['event_id'],
        ids.slice(i, i + 100_000).map((event_id) => ({ event_id })),
      );
    const safeSite = siteId.replace(/[^A-Za-z0-9_-]/g, '');
    const [r] = await ch.select<{ found: number; dup: number }>(
      `SELECT uniqExact(event_id) AS found, count() - uniqExact(event_id) AS dup FROM events FINAL WHERE site_id = '${safeSite}' AND event_id IN (SELECT lower(event_id) FROM ${table})`,
    );
    return { missing: new Set(ids).size - Number(r?.found ?? 0), duplicated: Number(r?.dup ?? 0) };
  } finally {
    await ch.exec(`DROP TABLE IF EXISTS ${table}`);
  }
}

async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('tm_session='));
  if (!cookie) throw new Error('login set no session cookie');
  return cookie;
}

async function createSite(url: string, cookie: string): Promise<{ id: string; tracking_id: string }> {
  const res = await fetch(`${url}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, cookie },
    body: JSON.stringify({ name: 'Bench', domain: BENCH_HOST }),
  });
  if (res.status !== 201) throw new Error(`site creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; tracking_id: string };
}

/** The same load on the embedded server (`serve`, DuckDB + SQLite, durable group commit), for comparison. */
async function embeddedBaseline(o: ScaleOutIngestOptions, work: string): Promise<WorkerOutput> {
  const email = 'bench@bench.example';
  const password = crypto.randomBytes(12).toString('hex');
  const p = spawnTs(
    'packages/server/src/cli/main.ts',
    ['serve'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      TIDEMARK_DATA_DIR: path.join(work, 'embedded'),
      TIDEMARK_LOG_LEVEL: 'warn',
      TIDEMARK_ADMIN_EMAIL: email,
      TIDEMARK_ADMIN_PASSWORD: password,
      TIDEMARK_TRUSTED_PROXIES: '127.0.0.1',
      TIDEMARK_EVENTS_URL: '',
      DATABASE_URL: '',
      REDIS_URL: '',
      ...BENCH_COLLECT_LIMITS,
    },
    SERVER_NODE_FLAGS,
  );
  try {
    const [, url] = await waitForLine(p, /listening on (http:\/\/\S+)/, 120_000);
    const site = await createSite(url!, await login(url!, email, password));
    const load = (requests: number, seed: string) => {
      const input = {
        url,
        trackingId: site.tracking_id,
        requests,
        batch: o.batch,
        connections: o.connections,
        seed,
        ids: 'v4',
        timeoutSec: 30,
      };
      return runTs('bench/ingest/load-worker.ts', [JSON.stringify(input)], 15 * 60_000).then(
        (out) => JSON.parse(out.trim().split('\n').pop()!) as WorkerOutput,
      );
    };
    await load(o.warmup, 'bench-warmup-0');
    return await load(o.requests, 'bench-run-0');
  } finally {
    await stop(p);
  }
}
