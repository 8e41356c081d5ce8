import fs from 'node:fs/promises';
import path from 'node:path';
import type { EventStore } from '../store';

/** Each engine's statements for the System page (the only SQL of this module). */
const SQL = {
  duckdb: {
    ingest:
      'SELECT count(*) FILTER (WHERE received_at >= epoch_ms(CAST(? AS BIGINT))) AS recent, count(*) AS hour FROM events WHERE received_at >= epoch_ms(CAST(? AS BIGINT))',
    perSite: 'SELECT site_id, count(*) AS n FROM events GROUP BY site_id',
  },
  clickhouse: {
    ingest: 'SELECT countIf(received_at >= ?) AS recent, count() AS hour FROM events WHERE received_at >= ?',
    perSite: 'SELECT site_id, count() AS n FROM events GROUP BY site_id',
    bytes: 'SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = currentDatabase()',
  },
} as const;

/** Events stored (received) since `recentSince` and since `hourSince`, on either engine. */
export async function ingestCounts(events: EventStore, recentSince: number, hourSince: number): Promise<{ recent: number; hour: number }> {
  const [row] = await events.query<{ recent: unknown; hour: unknown }>(SQL[events.dialect].ingest, [recentSince, hourSince]);
  return { recent: Number(row?.recent ?? 0), hour: Number(row?.hour ?? 0) };
}

/** Bytes of files and directories (recursively); missing ones count nothing. */
async function diskBytes(paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) {
    const st = await fs.stat(p).catch(() => null);
    if (!st) continue;
    if (!st.isDirectory()) total += st.size;
    else total += await diskBytes((await fs.readdir(p)).map((f) => path.join(p, f)));
  }
  return total;
}

/**
 * The event store's size on disk: embedded, its files in the data directory (the database, its WAL —
 * recent writes live there until a checkpoint — and the raw request log); at scale, ClickHouse's active parts.
 */
async function storeBytes(events: EventStore, dataDir: string): Promise<number | null> {
  if (events.dialect === 'duckdb') return diskBytes(['events.duckdb', 'events.duckdb.wal', 'events.raw'].map((f) => path.join(dataDir, f)));
  const [row] = await events.query<{ bytes: unknown }>(SQL.clickhouse.bytes);
  return row?.bytes === null || row?.bytes === undefined ? null : Number(row.bytes);
}

/** Events per site, and the store's size on disk. */
export async function storageBySite(events: EventStore, dataDir: string): Promise<{ perSite: Map<string, number>; bytes: number | null }> {
  const [rows, bytes] = await Promise.all([
    events.query<{ site_id: string; n: unknown }>(SQL[events.dialect].perSite),
    storeBytes(events, dataDir).catch(() => null),
  ]);
  return { perSite: new Map(rows.map((r) => [String(r.site_id), Number(r.n)])), bytes };
}
