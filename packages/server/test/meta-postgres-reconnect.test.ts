import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetaStore, type MetaStore } from '../src/meta';
import { createTempPgDatabase, PG_ADMIN_URL, postgresAvailable } from './helpers/meta-engines';

const pgStatus = await postgresAvailable();
if (!pgStatus.ok) console.warn(`[meta-postgres-reconnect] skipped: ${pgStatus.reason}`);

describe.skipIf(!pgStatus.ok)('metadata on PostgreSQL when the server closes its connections', () => {
  let meta: MetaStore | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await meta?.close();
    await drop?.();
  });

  it('survives idle connections being terminated and answers the next query on a new one', async () => {
    const db = await createTempPgDatabase();
    drop = db.drop;
    meta = await openMetaStore({ databaseUrl: db.url });
    expect(await meta.users.count()).toBe(0);
    // What a PostgreSQL restart or an administrator does to idle clients.
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    const { rows } = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1', [name]);
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200)); // the closed connections report their error to the pool
    expect(await meta.users.count()).toBe(0);
  });
});
