import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openMetaStore, type MetaStore } from '../../src/meta';

export const PG_ADMIN_URL = process.env.TIDEMARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether PostgreSQL answers; in CI a missing PostgreSQL is a failure, locally the suite skips. */
export async function postgresAvailable(): Promise<{ ok: boolean; reason: string }> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true, reason: '' };
  } catch (err) {
    const reason = `PostgreSQL not reachable at ${PG_ADMIN_URL}: ${err instanceof Error ? err.message : String(err)}`;
    if (process.env.CI === 'true') throw new Error(reason);
    return { ok: false, reason };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, uniquely named PostgreSQL database; `drop` removes it. */
export async function createTempPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tidemark_meta_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface MetaEngineHandle {
  meta: MetaStore;
  /** Opens a second, independent store on the same database (another process's view). */
  reopen(): Promise<MetaStore>;
  cleanup(): Promise<void>;
}

export type MetaEngineName = 'sqlite' | 'postgres';

/** Opens a migrated, empty metadata store on the named engine. */
export async function openTestMeta(engine: MetaEngineName): Promise<MetaEngineHandle> {
  if (engine === 'postgres') {
    const db = await createTempPgDatabase();
    const meta = await openMetaStore({ databaseUrl: db.url });
    const others: MetaStore[] = [];
    return {
      meta,
      async reopen() {
        const m = await openMetaStore({ databaseUrl: db.url });
        others.push(m);
        return m;
      },
      async cleanup() {
        for (const m of others) await m.close();
        await meta.close();
        await db.drop();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-meta-'));
  const meta = await openMetaStore({ dataDir: dir });
  const others: MetaStore[] = [];
  return {
    meta,
    async reopen() {
      const m = await openMetaStore({ dataDir: dir });
      others.push(m);
      return m;
    },
    async cleanup() {
      for (const m of others) await m.close();
      await meta.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One `describe` per metadata engine (`<title> on sqlite`, `<title> on postgres`), each around a fresh,
 * migrated store opened before its tests and removed after them. PostgreSQL not answering skips its
 * `describe` with the reason (logged under `label`); in CI it is a failure.
 */
export async function describeMetaEngines(
  label: string,
  title: string,
  body: (h: MetaEngineHandle, engine: MetaEngineName) => void,
): Promise<void> {
  const pgStatus = await postgresAvailable();
  if (!pgStatus.ok) console.warn(`[${label}] PostgreSQL suite skipped: ${pgStatus.reason}`);
  const engines: Array<{ engine: MetaEngineName; run: boolean }> = [
    { engine: 'sqlite', run: true },
    { engine: 'postgres', run: pgStatus.ok },
  ];
  for (const { engine, run } of engines) {
    describe.skipIf(!run)(`${title} on ${engine}${run ? '' : ` (${pgStatus.reason})`}`, () => {
      // Filled in before the tests run, so the body can hold it from the start.
      const h = {} as MetaEngineHandle;
      let opened = false;
      beforeAll(async () => {
        Object.assign(h, await openTestMeta(engine));
        opened = true;
      });
      afterAll(async () => {
        if (opened) await h.cleanup();
      });
      body(h, engine);
    });
  }
}

/** Two sites of one organization, A and B: for tests that one site's rows never reach the other. */
export async function twoSites(meta: MetaStore): Promise<[string, string]> {
  const org = await meta.orgs.create('Acme');
  const a = await meta.sites.create(org.id, { domain: 'a.example', name: 'A', timezone: 'UTC' });
  const b = await meta.sites.create(org.id, { domain: 'b.example', name: 'B', timezone: 'UTC' });
  return [a.id, b.id];
}
