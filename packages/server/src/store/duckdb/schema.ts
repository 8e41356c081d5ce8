import { EVENT_COLUMNS, type ColumnKind } from '@tidemark/core';
import type { DuckDbClient } from './client';
import { repairedJsonSql, SURROGATE_ESCAPE_RE2 } from '../json-repair';
import { duckDbSideTableSql, SIDE_TABLES } from '../side-tables';
import { vaultDuckDbStatements } from '../vault-schema';
import { replayDuckDbStatements } from '../replay-schema';
import { SESSION_COLUMN_DIMENSIONS } from '../session-columns';

/** Physical DuckDB type of each logical column kind. `props` stays JSON text in a VARCHAR (json_extract_string reads it). */
export const DUCKDB_TYPES: Record<ColumnKind, string> = {
  uuid: 'UUID',
  string: 'VARCHAR',
  timestamp_ms: 'TIMESTAMP', // naive TIMESTAMP holding UTC, microsecond precision
  int: 'INTEGER',
  float: 'DOUBLE',
  json: 'VARCHAR',
};

function eventsTableSql(): string {
  const cols = EVENT_COLUMNS.map((c) => `  ${c.name} ${DUCKDB_TYPES[c.kind]}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE IF NOT EXISTS events (\n${cols.join(',\n')}\n)`;
}

/**
 * Versioned migrations, applied in order, each in its own transaction together with its schema_version
 * row. Never edit a released step: add a new one (e.g. `ALTER TABLE events ADD COLUMN …`) instead.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; statements: () => string[] }> = [
  {
    version: 1,
    name: 'events, dedupe keys, raw payloads, quarantine, drop counts',
    statements: () => [
      eventsTableSql(),
      // Dedupe keys, kept apart from `events` so their zone maps stay narrow (see dedupe.ts):
      // UUIDv7 ids here, appended roughly in time order ...
      `CREATE TABLE IF NOT EXISTS event_keys (event_id UUID NOT NULL)`,
      // ... and any other UUID a client chose, which would otherwise widen every row group's min/max.
      `CREATE TABLE IF NOT EXISTS event_keys_other (event_id UUID NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS raw_payloads (
        id UUID NOT NULL, site_id VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL,
        contract VARCHAR NOT NULL, body VARCHAR NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS quarantine (
        id UUID NOT NULL, site_id VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL, contract VARCHAR NOT NULL,
        reason VARCHAR NOT NULL, errors VARCHAR NOT NULL, payload VARCHAR NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ingest_drops (
        site_id VARCHAR NOT NULL, day DATE NOT NULL, reason VARCHAR NOT NULL, count BIGINT NOT NULL,
        PRIMARY KEY (site_id, day, reason))`,
    ],
  },
  {
    version: 2,
    name: 'session and page parts rollup',
    // Columns as stats/rollups/session-parts.ts builds them (a test compares the two).
    statements: () => [
      `CREATE TABLE IF NOT EXISTS session_parts (
        site_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, session_id VARCHAR NOT NULL, visitor_id VARCHAR NOT NULL,
        vk UHUGEINT NOT NULL, sk UHUGEINT NOT NULL, events INTEGER NOT NULL, pageviews INTEGER NOT NULL, interactive INTEGER NOT NULL,
        min_ts TIMESTAMP NOT NULL, max_ts TIMESTAMP NOT NULL, entry_ts TIMESTAMP, exit_ts TIMESTAMP,
        ${SESSION_PART_DIMENSIONS.map((d) => `p_${d} VARCHAR NOT NULL`).join(', ')},
        solo BOOLEAN NOT NULL, batch TIMESTAMP NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS page_parts (
        site_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, session_id VARCHAR NOT NULL, visitor_id VARCHAR NOT NULL,
        vk UHUGEINT NOT NULL, sk UHUGEINT NOT NULL, path VARCHAR NOT NULL, events INTEGER NOT NULL, pageviews INTEGER NOT NULL)`,
      // One row: events received up to `watermark` are in session_parts and page_parts.
      `CREATE TABLE IF NOT EXISTS session_parts_state (id INTEGER PRIMARY KEY, watermark TIMESTAMP NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'raw payloads move to files (raw-log.ts); rows written before stay readable and purgeable',
    statements: () => [`ALTER TABLE raw_payloads RENAME TO raw_payloads_archive`],
  },
  {
    version: 4,
    name: 'session-parts rollup with session totals and first-occurrence marks; rebuilt from events',
    // Derived data only: the tables are recreated empty and the rollup job rebuilds them from `events`.
    statements: () => [
      `DROP TABLE IF EXISTS session_parts`,
      `DROP TABLE IF EXISTS page_parts`,
      `DELETE FROM session_parts_state`,
      `CREATE TABLE session_parts (
        site_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, session_id VARCHAR NOT NULL, visitor_id VARCHAR NOT NULL,
        vk UHUGEINT NOT NULL, sk UHUGEINT NOT NULL, events INTEGER NOT NULL, pageviews INTEGER NOT NULL, interactive INTEGER NOT NULL,
        min_ts TIMESTAMP NOT NULL, max_ts TIMESTAMP NOT NULL, entry_ts TIMESTAMP, exit_ts TIMESTAMP,
        ${SESSION_PART_DIMENSIONS.map((d) => `p_${d} VARCHAR NOT NULL`).join(', ')},
        solo BOOLEAN NOT NULL, batch TIMESTAMP NOT NULL,
        s_start TIMESTAMP, s_dur_ms BIGINT, s_pv BIGINT, s_int BIGINT, s_lo TIMESTAMP, s_hi TIMESTAMP, s_head BOOLEAN,
        ${SESSION_PART_DIMENSIONS.map((d) => `sv_${d} VARCHAR`).join(', ')},
        m_all TIMESTAMP, ${SESSION_PART_DIMENSIONS.map((d) => `m_${d} TIMESTAMP`).join(', ')})`,
      `CREATE TABLE page_parts (
        site_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, session_id VARCHAR NOT NULL, visitor_id VARCHAR NOT NULL,
        vk UHUGEINT NOT NULL, sk UHUGEINT NOT NULL, path VARCHAR NOT NULL, events INTEGER NOT NULL, pageviews INTEGER NOT NULL,
        s_start TIMESTAMP, s_dur_ms BIGINT, s_pv BIGINT, s_int BIGINT, sp_head BOOLEAN, m_path TIMESTAMP)`,
      `CREATE TABLE mark_cube (site_id VARCHAR NOT NULL, dim VARCHAR NOT NULL, value VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, m TIMESTAMP,
        n BIGINT NOT NULL, events BIGINT NOT NULL, pageviews BIGINT NOT NULL, heads BIGINT NOT NULL, bounces BIGINT NOT NULL, dur_ms BIGINT NOT NULL, s_pv BIGINT NOT NULL)`,
      `CREATE TABLE page_cube (site_id VARCHAR NOT NULL, path VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, m TIMESTAMP, sh TIMESTAMP,
        n BIGINT NOT NULL, events BIGINT NOT NULL, pageviews BIGINT NOT NULL, heads BIGINT NOT NULL, bounces BIGINT NOT NULL, dur_ms BIGINT NOT NULL, s_pv BIGINT NOT NULL)`,
      // Row counts of the cubes (id 1: mark_cube, 2: page_cube) when they were last added up.
      `CREATE TABLE mark_cube_state (id INTEGER PRIMARY KEY, rows BIGINT NOT NULL)`,
    ],
  },
  {
    version: 5,
    name: 'fragments whose marks a query may not trust (unmarked, or of sessions spanning a day or more)',
    statements: () => [
      `CREATE TABLE marks_open (site_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, vk UHUGEINT NOT NULL, s_lo TIMESTAMP, s_hi TIMESTAMP)`,
      `INSERT INTO marks_open SELECT site_id, hour, vk, s_lo, s_hi FROM session_parts
        WHERE s_lo IS NULL OR s_hi - s_lo >= INTERVAL ${MARKS_OPEN_SPAN_MS / 3_600_000} HOUR`,
    ],
  },
  {
    version: 6,
    name: 'marks cube by local day of each site (stats/mark-cube-day.ts); filled by the next marks pass',
    statements: () => [
      `CREATE TABLE mark_cube_day (site_id VARCHAR NOT NULL, tz VARCHAR NOT NULL, dim VARCHAR NOT NULL, value VARCHAR NOT NULL, day TIMESTAMP NOT NULL, md TIMESTAMP,
        n BIGINT NOT NULL, events BIGINT NOT NULL, pageviews BIGINT NOT NULL, heads BIGINT NOT NULL, bounces BIGINT NOT NULL, dur_ms BIGINT NOT NULL, s_pv BIGINT NOT NULL)`,
      `CREATE TABLE mark_cube_day_state (site_id VARCHAR PRIMARY KEY, tz VARCHAR NOT NULL)`,
    ],
  },
  {
    version: 7,
    name: 'UUIDv7 dedupe keys only once a client id of another kind is stored (see dedupe.ts)',
    // A file written before holds every key already: it is keyed since the epoch (the probe reads event_keys only).
    statements: () => [
      `CREATE TABLE dedupe_state (id INTEGER PRIMARY KEY, keys_since TIMESTAMP NOT NULL)`,
      `INSERT INTO dedupe_state SELECT 1, TIMESTAMP '1970-01-01 00:00:00'
        WHERE EXISTS (SELECT 1 FROM event_keys) OR EXISTS (SELECT 1 FROM event_keys_other)`,
    ],
  },
  {
    version: 8,
    name: 'quarantined payloads may be a prefix: original_bytes is their size before the cut (0 = whole)',
    statements: () => [`ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS original_bytes BIGINT DEFAULT 0`],
  },
  {
    version: 9,
    name: 'lone surrogate escapes in stored JSON text become U+FFFD (see json-repair.ts)',
    statements: () => [repairJsonSql('events', 'props'), repairJsonSql('quarantine', 'payload'), repairJsonSql('quarantine', 'errors')],
  },
  {
    version: 10,
    name: 'imported aggregates (imports/): daily totals and breakdowns from other tools, kept apart from events',
    statements: () => [IMPORTED_STATS_DDL],
  },
  {
    version: 11,
    name: 'Data Vault 2.0 layer (vault/), filled by the vault job; session_start became passive: the stats rollups are rebuilt',
    statements: () => [
      ...vaultDuckDbStatements(),
      // Rollup fragments count interactive events with the passive list of their time: where stored events
      // already hold a session_start, they are emptied and the next rollup pass rebuilds them from events
      // (derived data only, as in migration 4). Elsewhere nothing changes, so an upgrade of a large file
      // does not pay for a full rebuild it does not need.
      ...[
        'session_parts',
        'page_parts',
        'session_parts_state',
        'marks_open',
        'mark_cube',
        'page_cube',
        'mark_cube_state',
        'mark_cube_day',
        'mark_cube_day_state',
      ].map((t) => `DELETE FROM ${t} WHERE EXISTS (SELECT 1 FROM events WHERE name = 'session_start')`),
    ],
  },
  {
    version: 12,
    name: 'revenue facts and transactions (store/side-tables.ts, revenue/)',
    statements: () => (['revenue_facts', 'transactions'] as const).map((t) => duckDbSideTableSql(SIDE_TABLES[t])),
  },
  {
    version: 14,
    name: 'revenue credits per attribution model and touchpoint (store/side-tables.ts, revenue/credits.ts)',
    statements: () => [duckDbSideTableSql(SIDE_TABLES.revenue_credits)],
  },
  {
    version: 15,
    name: 'heatmap grid cells (store/side-tables.ts, behaviour/)',
    statements: () => [duckDbSideTableSql(SIDE_TABLES.heatmap_cells)],
  },
  {
    version: 16,
    name: 'session replay chunk index (replay/); the chunk bytes are files under the data directory',
    statements: () => replayDuckDbStatements(),
  },
  {
    version: 17,
    name: "revenue credits name the payer's profile (revenue/credits.ts); older rows are recomputed on read",
    // DuckDB adds no column with a constraint to an existing table: the default fills older rows.
    statements: () => [`ALTER TABLE revenue_credits ADD COLUMN IF NOT EXISTS payer_profile VARCHAR DEFAULT ''`],
  },
  {
    version: 19,
    name: 'path-sessions rollup (stats/rollups/path-sessions.ts): page-view steps per session; filled by its job',
    // Columns as stats/rollups/path-sessions.ts builds them; derived data, built from `events` by the job.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS path_sessions (site_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL, visitor_id VARCHAR NOT NULL,
        vk UHUGEINT NOT NULL, sk UHUGEINT NOT NULL, lo BIGINT NOT NULL, hi BIGINT NOT NULL, s STRUCT(t BIGINT, l VARCHAR)[] NOT NULL,
        labels VARCHAR[], times BIGINT[], batch TIMESTAMP NOT NULL)`,
      // One row: page views received up to `watermark` are in path_sessions.
      `CREATE TABLE IF NOT EXISTS path_sessions_state (id INTEGER PRIMARY KEY, watermark TIMESTAMP NOT NULL)`,
    ],
  },
  {
    version: 23,
    name: 'heatmap grid days in the site zone: day marks name their zone; the days built before were UTC days',
    statements: () => ["UPDATE heatmap_cells SET selector = 'UTC' WHERE kind = 'day' AND selector = ''"],
  },
  {
    version: 25,
    name: 'visitor-hours rollup (stats/rollups/visitor-hours.ts): first and last event time per visitor, user id and UTC hour; filled by its job',
    // Columns as stats/rollups/visitor-hours.ts builds them; derived data, built from `events` by the job.
    statements: () => [
      `CREATE TABLE IF NOT EXISTS visitor_hours (site_id VARCHAR NOT NULL, visitor_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL,
        hour TIMESTAMP NOT NULL, lo TIMESTAMP NOT NULL, hi TIMESTAMP NOT NULL, batch TIMESTAMP NOT NULL)`,
      // One row: events received up to `watermark` are in visitor_hours.
      `CREATE TABLE IF NOT EXISTS visitor_hours_state (id INTEGER PRIMARY KEY, watermark TIMESTAMP NOT NULL)`,
    ],
  },
  {
    version: 26,
    name: "person labels (store/side-tables.ts, segments/): each visitor id's lead score and segment, for the stats engine",
    statements: () => [duckDbSideTableSql(SIDE_TABLES.person_labels)],
  },
];

/** One row per (site, import, local day, dimension, value); `dimension` '' holds the day's totals. */
const IMPORTED_STATS_DDL = `CREATE TABLE IF NOT EXISTS imported_stats (site_id VARCHAR NOT NULL, import_id VARCHAR NOT NULL,
  day VARCHAR NOT NULL, dimension VARCHAR NOT NULL, value VARCHAR NOT NULL, visitors BIGINT NOT NULL, pageviews BIGINT NOT NULL,
  events BIGINT NOT NULL, visits BIGINT NOT NULL, bounces BIGINT NOT NULL, visit_duration BIGINT NOT NULL)`;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

function repairJsonSql(table: string, column: string): string {
  const repaired = repairedJsonSql(
    column,
    (expr, pattern, replacement) => `regexp_replace(${expr}, ${literal(pattern)}, ${literal(replacement)}, 'g')`,
  );
  return `UPDATE ${table} SET ${column} = ${repaired} WHERE regexp_matches(${column}, ${literal(SURROGATE_ESCAPE_RE2)})`;
}

/**
 * `marks_open` holds the session fragments that are unmarked or whose session spans at least this long
 * (stats/rollups/session-marks.ts): a query with a look-around of at least this much finds every fragment it
 * cannot answer from marks there, without scanning `session_parts`.
 */
export const MARKS_OPEN_SPAN_MS = 24 * 3_600_000;

/** Session-level dimensions of the stats engine, one fragment column each (see stats/rollups/session-parts.ts). */
const SESSION_PART_DIMENSIONS = SESSION_COLUMN_DIMENSIONS;

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database to SCHEMA_VERSION; refuses a file written by a newer release. */
export async function migrate(db: DuckDbClient): Promise<number> {
  await db.run(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`);
  const [row] = await db.all<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
  const current = row?.v ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`events database has schema version ${current}, newer than this release supports (${SCHEMA_VERSION})`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction(async () => {
      for (const stmt of m.statements()) await db.run(stmt);
      await db.run('INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)', [m.version, m.name]);
    });
  }
  return SCHEMA_VERSION;
}
