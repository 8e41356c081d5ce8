import { describe, it, expect } from 'vitest';
import { emptyEvent } from '@tidemark/core';
import { CLICKHOUSE_MIGRATIONS, ClickHouseError, ClickHouseEventStore, ClickHouseHttp, parseClickHouseUrl } from '../src/store';
import { runStatsSuite } from './stats-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

/**
 * The cluster layout of docs/scale-out.md — Tidemark's tables as Distributed tables over local
 * ReplacingMergeTrees, sharded by site — on the single-node cluster Debian's ClickHouse config
 * defines (`test_shard_localhost`). Replication needs ZooKeeper and is not exercised here; the
 * Distributed layer (FINAL forwarded to shards, synchronous inserts, reads through the shard) is.
 */
const CLUSTER = 'test_shard_localhost';
const status = await clickhouseAvailable('scaleout-distributed');
let clusterReady = false;
if (status.ok) {
  const probe = new ClickHouseHttp(parseClickHouseUrl(clickhouseDatabaseUrl('default')));
  const [row] = await probe.select<{ n: number }>(`SELECT count() AS n FROM system.clusters WHERE cluster = '${CLUSTER}'`);
  clusterReady = Number(row?.n) > 0;
  if (!clusterReady) console.warn(`[scaleout-distributed] skipped: the server defines no cluster ${CLUSTER}`);
}

const TABLES = ['events', 'event_ids', 'raw_payloads', 'quarantine', 'ingest_drops'];

/** Creates the documented layout in a new database and returns a store using it. */
async function openDistributedStore(): Promise<ClickHouseEventStore> {
  const database = uniqueName('tidemark_dist');
  const http = new ClickHouseHttp(parseClickHouseUrl(clickhouseDatabaseUrl(database)));
  const [v] = await http.select<{ v: string }>('SELECT version() AS v', { database: null });
  const [major = 0, minor = 0] = String(v?.v).split('.').map(Number);
  await http.exec(`CREATE DATABASE ${database}`, { database: null });
  // Every migration's statements on the local tables; the Distributed tables over them come next (their columns
  // copied), and views, which read the Distributed tables, last.
  const tables: string[] = [];
  const views: string[] = [];
  for (const m of CLICKHOUSE_MIGRATIONS) {
    for (const stmt of m.statements({ version: String(v?.v), major, minor })) {
      if (/^CREATE (OR REPLACE )?VIEW /.test(stmt)) {
        views.push(stmt);
        continue;
      }
      const created = /^CREATE TABLE IF NOT EXISTS (\w+) /.exec(stmt)?.[1];
      if (created && !tables.includes(created)) tables.push(created);
      const local = stmt
        .replace(/^CREATE TABLE IF NOT EXISTS (\w+) /, 'CREATE TABLE $1_local ')
        .replace(/^ALTER TABLE (\w+) /, 'ALTER TABLE $1_local ');
      // A column added by a later step is already in a table created from today's definition: skipped, as migrate() does.
      await http.exec(local).catch((err: unknown) => {
        if (!(err instanceof ClickHouseError && local.startsWith('ALTER TABLE') && (err.code === 44 || err.code === 15))) throw err;
      });
    }
  }
  for (const t of tables.filter((t) => t !== 'schema_version'))
    await http.exec(`CREATE TABLE ${t} AS ${t}_local ENGINE = Distributed(${CLUSTER}, ${database}, ${t}_local, cityHash64(site_id))`);
  for (const view of views) await http.exec(view);
  await http.exec(
    'CREATE TABLE schema_version (version UInt32, name String, applied_at DateTime) ENGINE = ReplacingMergeTree ORDER BY version',
  );
  await http.exec(
    `INSERT INTO schema_version VALUES ${CLICKHOUSE_MIGRATIONS.map((m) => `(${m.version}, 'cluster layout', now())`).join(', ')}`,
  );
  // Inserts return only once the shards have the rows (what workers must wait for before acknowledging).
  const store = new ClickHouseEventStore(`${clickhouseDatabaseUrl(database)}?insert_distributed_sync=1`);
  await store.init();
  const close = store.close.bind(store);
  store.close = async () => {
    await store.dropDatabase().catch(() => undefined);
    await close();
  };
  return store;
}

if (status.ok && clusterReady) {
  describe('cluster layout (Distributed over local tables)', () => {
    it('leaves the pre-created tables alone and writes through to the shard', async () => {
      const store = await openDistributedStore();
      try {
        const tables = await store.query<{ name: string; engine: string }>('SELECT name, engine FROM system.tables WHERE database = ?', [
          store.database,
        ]);
        expect(tables.filter((t) => TABLES.includes(t.name)).map((t) => t.engine)).toEqual(TABLES.map(() => 'Distributed'));
        const ev = emptyEvent({
          event_id: crypto.randomUUID(),
          site_id: 'd1',
          ts: 1_700_000_000_000,
          received_at: 1_700_000_000_000,
          name: 'page_view',
        });
        expect((await store.write({ events: [ev], raw: [], quarantine: [], drops: [] })).inserted).toBe(1);
        expect((await store.write({ events: [ev], raw: [], quarantine: [], drops: [] })).inserted).toBe(0);
        const [local] = await store.query<{ n: number }>('SELECT count() AS n FROM events_local');
        expect(Number(local!.n)).toBe(1);
        // A prefix kept of a rejected body and of a quarantined payload, with their sizes, reach the shard too.
        const at = 1_700_000_000_000;
        await store.write({
          events: [],
          raw: [
            {
              id: crypto.randomUUID(),
              site_id: 'd1',
              received_at: at,
              contract: 'insighthub.collect',
              body: '{"cut',
              original_bytes: 5000,
            },
          ],
          quarantine: [
            {
              id: crypto.randomUUID(),
              site_id: 'd1',
              received_at: at,
              contract: 'insighthub.collect',
              reason: 'invalid_event',
              errors: '[]',
              payload: '{"cut',
              original_bytes: 9000,
            },
          ],
          drops: [],
        });
        expect(await store.query('SELECT original_bytes FROM raw_payloads_local')).toEqual([{ original_bytes: 5000 }]);
        expect((await store.listQuarantine('d1')).map((q) => q.original_bytes)).toEqual([9000]);
      } finally {
        await store.close();
      }
    });
  });
  runStatsSuite('ClickHouse, Distributed tables', openDistributedStore);
} else describe.skip(`stats reports on a Distributed ClickHouse layout (${status.ok ? `no cluster ${CLUSTER}` : status.reason})`, () => {});
