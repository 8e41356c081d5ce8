import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetaStore, type MetaStore } from '../src/meta';
import { ClickHouseHttp, parseClickHouseUrl } from '../src/store';
import { openRedis, type Redis } from '../src/scaleout';
import { CHROME_UA } from './helpers/collect';
import { createTempPgDatabase, postgresAvailable } from './helpers/meta-engines';
import { clickhouseAvailable, clickhouseDatabaseUrl, redisAvailable, REDIS_TEST_URL, uniqueName } from './helpers/scaleout';

/**
 * A scale-out deployment on loopback, as separate processes started by the CLI: two collectors, a
 * worker, an api node, on PostgreSQL + Redis + ClickHouse. The worker is SIGKILLed while events are
 * flowing; a second worker takes over its pending stream entries. Every event a collector
 * acknowledged (202) must end up stored exactly once, and the api node must count them all.
 */

const redisStatus = await redisAvailable('scaleout-cluster');
const chStatus = redisStatus.ok ? await clickhouseAvailable('scaleout-cluster') : redisStatus;
const pgStatus = chStatus.ok ? await postgresAvailable() : chStatus;
if (chStatus.ok && !pgStatus.ok) console.warn(`[scaleout-cluster] skipped: ${pgStatus.reason}`);
const ready = redisStatus.ok && chStatus.ok && pgStatus.ok;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mainTs = path.join(repoRoot, 'packages/server/src/cli/main.ts');

interface Node {
  role: string;
  proc: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
}

async function until(fn: () => Promise<boolean> | boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!ready)('scale-out cluster: collectors → Redis stream → workers → ClickHouse, api on top', () => {
  const nodes: Node[] = [];
  const dataDirs: string[] = [];
  let env: NodeJS.ProcessEnv;
  let dropPg: () => Promise<void>;
  let meta: MetaStore;
  let redis: Redis;
  let ch: ClickHouseHttp;
  let prefix: string;
  let site: { id: string; tracking_id: string };
  let readKey: string;

  /** Starts `tidemark serve --role=…` as its own process (node --import tsx, so signals reach it). */
  async function startNode(role: string): Promise<Node> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tidemark-${role}-`));
    dataDirs.push(dataDir);
    const proc = spawn(process.execPath, ['--import', 'tsx', mainTs, 'serve', `--role=${role}`], {
      cwd: repoRoot,
      env: { ...env, TIDEMARK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        const m = /listening on (http:\/\/[\d.:]+)/.exec(output.join(''));
        if (m) resolve(m[1]!);
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
      void exited.then((code) => reject(new Error(`${role} exited (${code}) before listening:\n${output.join('')}`)));
    });
    const node = { role, proc, url, output, exited };
    nodes.push(node);
    return node;
  }

  beforeAll(async () => {
    const pg = await createTempPgDatabase();
    dropPg = pg.drop;
    prefix = `${uniqueName('tmc')}:`;
    const chUrl = clickhouseDatabaseUrl(uniqueName('tidemark_cluster'));
    ch = new ClickHouseHttp(parseClickHouseUrl(chUrl));
    redis = openRedis(REDIS_TEST_URL);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: pg.url,
      TIDEMARK_EVENTS_URL: chUrl,
      REDIS_URL: REDIS_TEST_URL,
      TIDEMARK_REDIS_PREFIX: prefix,
      TIDEMARK_SECRET: crypto.randomBytes(32).toString('hex'),
      TIDEMARK_STREAM_CLAIM_IDLE_MS: '2000',
      TIDEMARK_STREAM_FLUSH_MS: '200',
      TIDEMARK_LOG_LEVEL: 'warn',
    };
    // The api node migrates the metadata database and the ClickHouse schema.
    await startNode('api');
    meta = await openMetaStore({ databaseUrl: pg.url, dataDir: dataDirs[0]! });
    const org = await meta.orgs.create('Cluster Org');
    const s = await meta.sites.create(org.id, { name: 'Cluster', domain: 'cluster.example', timezone: 'UTC' });
    site = { id: s.id, tracking_id: s.tracking_id };
    readKey = (
      await meta.apiKeys.create({
        orgId: org.id,
        siteId: s.id,
        name: 'read',
        permissions: ['read'],
        rateLimitPerMin: 100_000,
        createdBy: null,
      })
    ).rawKey;
    await Promise.all([startNode('collector'), startNode('collector'), startNode('worker')]);
  }, 180_000);

  afterAll(async () => {
    for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    await meta?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await ch?.exec(`DROP DATABASE IF EXISTS \`${ch.conn.database}\``, { database: null }).catch(() => undefined);
    await dropPg?.();
    for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  const byRole = (role: string) => nodes.filter((n) => n.role === role);

  it('splits routes by role', async () => {
    const [collector] = byRole('collector');
    const [api] = byRole('api');
    expect((await fetch(`${collector!.url}/api/sites`)).status).toBe(404);
    expect((await fetch(`${api!.url}/api/collect`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(await (await fetch(`${collector!.url}/health`)).json()).toMatchObject({ status: 'ok', events: 'clickhouse', role: 'collector' });
  });

  it('stores every acknowledged event exactly once across a worker SIGKILL and takeover', async () => {
    const collectors = byRole('collector');
    const acked = new Set<string>();
    const sent = new Set<string>();
    const stream = `${prefix}events`;
    let request = 0;
    const send = async () => {
      const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
      for (const id of ids) sent.add(id);
      const target = collectors[request++ % collectors.length]!;
      const res = await fetch(`${target.url}/api/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          origin: 'https://cluster.example',
          'user-agent': CHROME_UA,
          'accept-language': 'en',
        },
        body: JSON.stringify({
          site_id: site.tracking_id,
          events: ids.map((id, i) => ({
            event_id: id,
            name: 'page_view',
            properties: { url: `https://cluster.example/p/${request}/${i}` },
          })),
        }),
      });
      await res.text();
      if (res.status === 202) for (const id of ids) acked.add(id);
      return res.status === 202;
    };

    let refused = 0;
    let pumping = true;
    // One browser sending continuously, alternating between the collectors, through everything below.
    const pump = (async () => {
      while (pumping) if (!(await send())) refused++;
    })();
    await until(() => request >= 150, '150 requests');
    // Kill the worker while it holds entries it has read but not acknowledged.
    const [w1] = byRole('worker');
    await until(async () => (await pendingOf(redis, stream)).total > 0, 'the worker to hold pending entries');
    w1!.proc.kill('SIGKILL');
    await w1!.exited;
    const orphaned = await pendingOf(redis, stream);
    expect(orphaned.total).toBeGreaterThan(0);
    const killedAt = request;
    await until(() => request >= killedAt + 100, '100 more requests with no worker');
    // Nothing is written while no worker runs: the stream holds it.
    expect(await redis.xlen(stream)).toBeGreaterThan(0);
    // Yet the api node's realtime already shows the visitor: collectors record it in Redis before answering 202.
    const ackedBefore = acked.size;
    const rtRes = await fetch(`${byRole('api')[0]!.url}/v1/sites/${site.id}/realtime`, { headers: { authorization: `Bearer ${readKey}` } });
    expect(rtRes.status).toBe(200);
    const rt = (await rtRes.json()) as { active_visitors: number; visitors_list: Array<{ current_page: string; pages_viewed: number }> };
    expect(rt.active_visitors).toBe(1);
    expect(rt.visitors_list[0]!.current_page).toMatch(/^\/p\/\d+\/\d$/);
    expect(rt.visitors_list[0]!.pages_viewed).toBeGreaterThanOrEqual(ackedBefore);
    expect(rt.visitors_list[0]!.pages_viewed).toBeLessThanOrEqual(sent.size);
    await startNode('worker');
    const restartedAt = request;
    await until(() => request >= restartedAt + 150, '150 requests after the takeover');
    pumping = false;
    await pump;
    expect(refused).toBe(0);
    expect(acked.size).toBe(sent.size);

    await until(
      async () => (await redis.xlen(stream)) === 0 && (await pendingOf(redis, stream)).total === 0,
      'the stream to drain',
      120_000,
    );

    const [row] = await ch.select<{ stored: number; distinct_ids: number }>(
      `SELECT count() AS stored, uniqExact(event_id) AS distinct_ids FROM events FINAL WHERE site_id = '${site.id}'`,
    );
    expect(row).toEqual({ stored: acked.size, distinct_ids: acked.size });
    const ids = await ch.select<{ event_id: string }>(`SELECT event_id FROM events FINAL WHERE site_id = '${site.id}'`);
    const storedIds = new Set(ids.map((r) => r.event_id));
    for (const id of acked) expect(storedIds.has(id)).toBe(true);
    for (const id of storedIds) expect(sent.has(id)).toBe(true);
    const [physical] = await ch.select<{ n: number }>(`SELECT count() AS n FROM events WHERE site_id = '${site.id}'`);
    console.info(
      `[scaleout-cluster] ${acked.size} events acknowledged in ${request} requests; ${orphaned.total} stream entries orphaned by the kill; ${row!.stored} stored (${physical!.n} physical rows before merges)`,
    );

    // The api node counts the same, through the stats engine on ClickHouse.
    const [api] = byRole('api');
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const res = await fetch(`${api!.url}/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        site_id: site.id,
        date_range: { start: yesterday, end: today },
        metrics: ['pageviews', 'visitors', 'sessions'],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: Array<Record<string, number>> };
    expect(body.rows[0]!.pageviews).toBe(acked.size);
    // One browser (same IP and user agent) alternating between collectors: one visitor; the collectors
    // share the session cache through Redis, so its requests form one session.
    expect(body.rows[0]!.visitors).toBe(1);
    expect(body.rows[0]!.sessions).toBe(1);
  }, 240_000);

  it('shuts down cleanly on SIGTERM', async () => {
    const alive = nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null);
    for (const n of alive) n.proc.kill('SIGTERM');
    const codes = await Promise.all(alive.map((n) => n.exited));
    expect(codes).toEqual(alive.map(() => 0));
  }, 60_000);
});

async function pendingOf(redis: Redis, stream: string): Promise<{ total: number }> {
  const res = (await redis.xpending(stream, 'writers').catch(() => [0])) as [number, ...unknown[]];
  return { total: Number(res[0] ?? 0) };
}
