import { EVENT_COLUMNS, type ColumnKind } from '@tidemark/core';
import { quoteIdentifier, quoteString } from './escape';
import { ClickHouseError, type ClickHouseClient } from './http';
import { repairedJsonSql, SURROGATE_ESCAPE_RE2 } from '../json-repair';
import { clickHouseSideTableSql, heatmapCellKeySql, SIDE_TABLE_NAMES, SIDE_TABLES } from '../side-tables';
import { vaultClickHouseStatements } from '../vault-schema';
import { replayClickHouseStatements } from '../replay-schema';

/**
 * The ClickHouse schema: the InsightHub PRD §6.1 shape (MergeTree family, partitioned by month,
 * ordered by site and time) with the canonical event's columns, so the stats engine's SQL reads the
 * same column names on both engines.
 *
 * Differences from §6.1, and why:
 * - `ts` / `received_at` are Int64 milliseconds: DateTime64 does not exist before 20.1, and one
 *   integer type keeps ms precision on every server. Partitions use toDateTime(ts / 1000, 'UTC').
 * - ReplacingMergeTree ordered by (site_id, ts, event_id): the sort key includes the event's
 *   identity, so a row written twice (a stream entry redelivered after a writer died between
 *   insert and acknowledge) is one row to FINAL and to background merges. Events repeated with a
 *   different time (client retries) are caught before insert through `event_ids`.
 * - LowCardinality(String) is used for the low-cardinality columns on 20.x and later; on older
 *   servers (Debian's 18.16) it is experimental and behind a setting, so plain String is used.
 * - No TTL clause (TTL arrived in 19.6); raw retention is done by the jobs role (purgeRaw).
 */

export const DEDUPED_TABLES = ['events', 'raw_payloads', 'quarantine', 'ingest_drops', ...SIDE_TABLE_NAMES] as const;

const LOW_CARDINALITY = new Set([
  'name',
  'channel',
  'country',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device_type',
  'language',
  'timezone',
  'revenue_currency',
  'utm_medium',
]);

export interface ServerInfo {
  version: string;
  major: number;
  minor: number;
}

export function parseVersion(version: string): ServerInfo {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return { version, major, minor };
}

function columnType(name: string, kind: ColumnKind, nullable: boolean, server: ServerInfo): string {
  const base: Record<ColumnKind, string> = {
    uuid: 'String', // lower-case text, as the stats engine compares and prints it
    string: 'String',
    timestamp_ms: 'Int64',
    int: 'Int32',
    float: 'Float64',
    json: 'String',
  };
  let t = base[kind];
  if (kind === 'string' && LOW_CARDINALITY.has(name) && server.major >= 20) t = 'LowCardinality(String)';
  return nullable ? `Nullable(${t})` : t;
}

/** UTC time of a ms column, clamped to what DateTime holds (1970..2105), for partition keys. */
const utcTime = (col: string) => `toDateTime(intDiv(least(greatest(${col}, 0), 4294967295000), 1000), 'UTC')`;

function eventsTable(server: ServerInfo): string {
  const cols = EVENT_COLUMNS.map((c) => `  ${c.name} ${columnType(c.name, c.kind, c.nullable, server)}`);
  return `CREATE TABLE IF NOT EXISTS events (
${cols.join(',\n')}
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(${utcTime('ts')})
ORDER BY (site_id, ts, event_id)
SETTINGS index_granularity = 8192`;
}

export interface Migration {
  version: number;
  name: string;
  statements: (server: ServerInfo) => string[];
  /**
   * Columns of JSON text to repair by a mutation (18.12+; it runs in the background, reads tolerate the
   * rows meanwhile). Only on MergeTree tables: a cluster's Distributed tables cannot be mutated, their
   * local tables are repaired ON CLUSTER by the operator (docs/scale-out.md).
   */
  repairs?: ReadonlyArray<{ table: string; column: string }>;
  /** Statements run only where `table` is a MergeTree of this database (not a cluster's Distributed table). */
  onMergeTree?: { table: string; statements: () => string[] };
}

/** Applied in order; never edit a released step, add one. Every statement is idempotent. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, event ids, raw payloads, quarantine, drop counts',
    statements: (server) => [
      eventsTable(server),
      // Every stored event_id, ordered by id so the insert-time check is an index lookup.
      `CREATE TABLE IF NOT EXISTS event_ids (event_id String, site_id String)
ENGINE = ReplacingMergeTree ORDER BY event_id`,
      `CREATE TABLE IF NOT EXISTS raw_payloads (
  id String, site_id String, received_at Int64, contract String, body String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(${utcTime('received_at')})
ORDER BY (received_at, id)`,
      `CREATE TABLE IF NOT EXISTS quarantine (
  id String, site_id String, received_at Int64, contract String, reason String, errors String, payload String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(${utcTime('received_at')})
ORDER BY (site_id, received_at, id)`,
      // One row per write (batch_key) and site/day/reason; counts are summed on read. Keyed by the
      // write so a redelivered stream entry replaces its own row instead of adding to the total.
      `CREATE TABLE IF NOT EXISTS ingest_drops (
  site_id String, day Date, reason String, batch_key String, count UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, reason, batch_key)`,
    ],
  },
  {
    version: 2,
    name: 'raw bodies and quarantined payloads may be a prefix: original_bytes is their size before the cut (0 = whole)',
    // No ADD COLUMN IF NOT EXISTS before 19.x: an existing column (a node that migrated first) is skipped.
    statements: () => [
      `ALTER TABLE raw_payloads ADD COLUMN original_bytes Int64 DEFAULT 0`,
      `ALTER TABLE quarantine ADD COLUMN original_bytes Int64 DEFAULT 0`,
    ],
  },
  {
    version: 3,
    name: 'lone surrogate escapes in stored JSON text become U+FFFD (see json-repair.ts)',
    statements: () => [],
    repairs: [
      { table: 'events', column: 'props' },
      { table: 'quarantine', column: 'payload' },
      { table: 'quarantine', column: 'errors' },
    ],
  },
  {
    version: 4,
    name: 'imported aggregates (imports/): daily totals and breakdowns from other tools, kept apart from events',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS imported_stats (
  site_id String, import_id String, day String, dimension String, value String,
  visitors UInt64, pageviews UInt64, events UInt64, visits UInt64, bounces UInt64, visit_duration UInt64
) ENGINE = MergeTree
ORDER BY (site_id, dimension, day, import_id, value)`,
    ],
  },
  {
    version: 5,
    name: 'Data Vault 2.0 layer: hubs, links, satellites, load state and current-row views (vault/); filled by the vault job',
    statements: () => vaultClickHouseStatements(),
  },
  {
    version: 6,
    name: 'revenue facts and transactions (store/side-tables.ts, revenue/)',
    statements: () => (['revenue_facts', 'transactions'] as const).map((t) => clickHouseSideTableSql(SIDE_TABLES[t])),
  },
  {
    version: 8,
    name: 'revenue credits per attribution model and touchpoint (store/side-tables.ts, revenue/credits.ts)',
    statements: () => [clickHouseSideTableSql(SIDE_TABLES.revenue_credits)],
  },
  {
    version: 9,
    name: 'heatmap grid cells (store/side-tables.ts, behaviour/)',
    statements: () => [clickHouseSideTableSql(SIDE_TABLES.heatmap_cells)],
  },
  {
    version: 10,
    name: 'session replay chunks (replay/): gzip bytes with their index, ordered by site, recording, sequence',
    statements: () => replayClickHouseStatements(),
  },
  {
    version: 11,
    name: "revenue credits name the payer's profile (revenue/credits.ts); older rows are recomputed on read",
    statements: () => [`ALTER TABLE revenue_credits ADD COLUMN payer_profile String DEFAULT ''`],
  },
  {
    version: 17,
    name: 'heatmap grid built in the engine: rows keyed by what they count, ordered by day; day marks name their zone',
    statements: () => [],
    // Only on the single-node layout: a cluster's pre-created tables are left to their operator (docs/scale-out.md).
    onMergeTree: { table: 'heatmap_cells', statements: () => heatmapGridRekeyStatements() },
  },
  {
    version: 18,
    name: "person labels (store/side-tables.ts, segments/): each visitor id's lead score and segment, for the stats engine",
    statements: () => [clickHouseSideTableSql(SIDE_TABLES.person_labels)],
  },
];

/**
 * The grid job now writes rows in the engine (INSERT … SELECT) keyed by heatmapCellKeySql, so the rows the
 * server keyed before get those keys too (else a rebuilt day would count twice); days built before were UTC
 * days. In place, so that nodes starting at once and a second run are harmless: re-keyed copies of the same
 * row collapse under ReplacingMergeTree, and the old-keyed rows are deleted once the copies exist.
 */
function heatmapGridRekeyStatements(): string[] {
  const spec = SIDE_TABLES.heatmap_cells;
  const rest = spec.columns.filter((c) => c.name !== 'cell_key').map((c) => c.name);
  const newKey = heatmapCellKeySql('clickhouse');
  return [
    `INSERT INTO heatmap_cells (site_id, cell_key, ${rest.join(', ')})
      SELECT site_id, ${newKey} AS cell_key, ${rest.join(', ')}
      FROM (SELECT site_id, cell_key, day, path, viewport, kind, cx, cy, if(kind = 'day' AND selector = '', 'UTC', selector) AS selector, n, version
        FROM heatmap_cells FINAL)
      WHERE cell_key != ${newKey}`,
    `ALTER TABLE heatmap_cells DELETE WHERE cell_key != ${newKey}`,
  ];
}

/** The mutation that repairs a column of JSON text (json-repair.ts); public for the cluster docs and tests. */
export function repairJsonSql(table: string, column: string): string {
  const repaired = repairedJsonSql(
    column,
    (expr, pattern, replacement) => `replaceRegexpAll(${expr}, ${quoteString(pattern)}, ${quoteString(replacement)})`,
  );
  return `ALTER TABLE ${table} UPDATE ${column} = ${repaired} WHERE match(${column}, ${quoteString(SURROGATE_ESCAPE_RE2)})`;
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const TABLE_ALREADY_EXISTS = 57;
/** "Cannot add column …: column with this name already exists": 44 on 18.16, 15 (DUPLICATE_COLUMN) on current releases. */
const COLUMN_ALREADY_EXISTS = new Set([44, 15]);

/** Runs a CREATE … IF NOT EXISTS or an ADD COLUMN; a concurrent creator (another node starting) is not an error. */
async function createIdempotent(http: ClickHouseClient, sql: string, database?: string | null): Promise<void> {
  try {
    await http.exec(sql, { database });
  } catch (err) {
    if (
      err instanceof ClickHouseError &&
      (err.code === TABLE_ALREADY_EXISTS || (err.code !== null && COLUMN_ALREADY_EXISTS.has(err.code) && sql.startsWith('ALTER TABLE')))
    )
      return;
    throw err;
  }
}

/** Creates the database and brings it to SCHEMA_VERSION; refuses a schema written by a newer release. */
export async function migrate(http: ClickHouseClient): Promise<{ version: number; server: ServerInfo }> {
  const [row] = await http.select<{ v: string }>('SELECT version() AS v', { database: null });
  const server = parseVersion(row?.v ?? '0');
  await createIdempotent(http, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(http.database)}`, null);
  await createIdempotent(
    http,
    `CREATE TABLE IF NOT EXISTS schema_version (version UInt32, name String, applied_at DateTime)
ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const [cur] = await http.select<{ v: number }>('SELECT max(version) AS v FROM schema_version');
  const current = Number(cur?.v ?? 0);
  if (current > SCHEMA_VERSION)
    throw new Error(`ClickHouse events schema is at version ${current}, newer than this release supports (${SCHEMA_VERSION})`);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    for (const stmt of m.statements(server)) await createIdempotent(http, stmt);
    for (const r of m.repairs ?? []) if (await isMergeTree(http, r.table)) await http.exec(repairJsonSql(r.table, r.column));
    if (m.onMergeTree && (await isMergeTree(http, m.onMergeTree.table)))
      for (const stmt of m.onMergeTree.statements()) await http.exec(stmt);
    await http.exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (${m.version}, ${quoteString(m.name)}, now())`);
  }
  return { version: SCHEMA_VERSION, server };
}

async function isMergeTree(http: ClickHouseClient, table: string): Promise<boolean> {
  const [row] = await http.select<{ engine: string }>(
    `SELECT engine FROM system.tables WHERE database = ${quoteString(http.database)} AND name = ${quoteString(table)}`,
  );
  return /MergeTree$/.test(row?.engine ?? '');
}
