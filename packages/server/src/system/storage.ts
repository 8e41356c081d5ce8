import type { EventStore } from '../store';

/** Each engine's statements for the System page (the only SQL of this module). */
const SQL = {
  duckdb: {
    ingest:
      'SELECT count(*) FILTER (WHERE received_at >= epoch_ms(CAST(? AS BIGINT))) AS recent, count(*) AS hour FROM events WHERE received_at >= epoch_ms(CAST(? AS BIGINT))',
    perSite: 'SELECT site_id, count(*) AS n FROM events GROUP BY site_id',
    // Blocks in use across the store's database files (events, side tables, rollups).
    bytes: "SELECT sum(used_blocks * block_size) AS bytes FROM pragma_database_size() WHERE database_name NOT IN ('system', 'temp')",
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

/** Events per site, and the store's size on disk when the engine tells it. */
export async function storageBySite(events: EventStore): Promise<{ perSite: Map<string, number>; bytes: number | null }> {
  const q = SQL[events.dialect];
  const [rows, size] = await Promise.all([
    events.query<{ site_id: string; n: unknown }>(q.perSite),
    events.query<{ bytes: unknown }>(q.bytes).catch(() => [] as Array<{ bytes: unknown }>),
  ]);
  const bytes = size[0]?.bytes;
  return {
    perSite: new Map(rows.map((r) => [String(r.site_id), Number(r.n)])),
    bytes: bytes === null || bytes === undefined ? null : Number(bytes),
  };
}
