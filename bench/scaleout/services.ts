import crypto from 'node:crypto';
import pg from 'pg';
import { openRedis } from '../../packages/server/src/scaleout';

/** Where the scale-out bench finds its services (same defaults and variables as the test suites). */
export interface ScaleOutServices {
  clickhouseUrl: string;
  redisUrl: string;
  pgAdminUrl: string;
  clickhouseVersion: string;
  redisVersion: string;
}

export async function checkServices(): Promise<ScaleOutServices> {
  const clickhouseUrl = process.env.TIDEMARK_TEST_CLICKHOUSE_URL ?? 'clickhouse://127.0.0.1:8123/default';
  const redisUrl = process.env.TIDEMARK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const pgAdminUrl = process.env.TIDEMARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const u = new URL(clickhouseUrl);
  const res = await fetch(`http://${u.hostname}:${u.port || 8123}/?query=${encodeURIComponent('SELECT version()')}`).catch(
    (err: unknown) => {
      throw new Error(`ClickHouse not reachable at ${clickhouseUrl} (start it with .ci/services.sh): ${String(err)}`);
    },
  );
  const clickhouseVersion = (await res.text()).trim();
  const redis = openRedis(redisUrl, { commandTimeoutMs: 3000 });
  let redisVersion: string;
  try {
    const info = await redis.info('server');
    redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } finally {
    redis.disconnect();
  }
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  await client.end();
  return { clickhouseUrl, redisUrl, pgAdminUrl, clickhouseVersion, redisVersion };
}

export function chDatabaseUrl(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new PostgreSQL database for the run's metadata; `drop` removes it. */
export async function tempPgDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tidemark_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
