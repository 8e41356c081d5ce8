/**
 * Tables and read views of the Data Vault 2.0 layer (vault/), the same columns on both engines: written by
 * DuckDB migration 11 and ClickHouse migration 5, filled by vault/'s load job. Times are ms since the epoch
 * (BIGINT / Int64, like `events.ts` on ClickHouse) so both engines hold the same values; hash keys and
 * hash diffs are lower-case hex MD5 (vault/keys.ts). Satellites carry `version` (the load that wrote the
 * row): ClickHouse keeps the highest version of a (key, load_date) row (ReplacingMergeTree), which is how
 * a row is end-dated there without an UPDATE; DuckDB updates `load_end_date` in place.
 */

type Kind = 'key' | 'text' | 'ms' | 'int' | 'float' | 'end';

const hub = (key: string, business: string[], extra: Array<[string, Kind]> = []): Array<[string, Kind]> => [
  [key, 'key'],
  ['site_id', 'text'],
  ...business.map((b) => [b, 'text'] as [string, Kind]),
  ...extra,
  ['load_date', 'ms'],
  ['record_source', 'text'],
];
const link = (key: string, refs: string[], extra: Array<[string, Kind]> = []): Array<[string, Kind]> => [
  [key, 'key'],
  ['site_id', 'text'],
  ...refs.map((r) => [r, 'key'] as [string, Kind]),
  ...extra,
  ['load_date', 'ms'],
  ['record_source', 'text'],
];
const sat = (key: string, details: Array<[string, Kind]>): Array<[string, Kind]> => [
  [key, 'key'],
  ['site_id', 'text'],
  ['load_date', 'ms'],
  ['load_end_date', 'end'],
  ['hash_diff', 'key'],
  ...details,
  ['record_source', 'text'],
  ['version', 'ms'],
];

/** Every vault table: its columns in order, and the hash key it is keyed by. */
export const VAULT_TABLES = {
  vault_hub_visitor: { key: 'visitor_hk', columns: hub('visitor_hk', ['visitor_id']) },
  vault_hub_session: { key: 'session_hk', columns: hub('session_hk', ['session_id', 'visitor_id']) },
  // event_ts (not a business key) lets retention find an event's rows without reading its satellite.
  vault_hub_event: { key: 'event_hk', columns: hub('event_hk', ['event_id'], [['event_ts', 'ms']]) },
  vault_hub_page: { key: 'page_hk', columns: hub('page_hk', ['page_url']) },
  vault_link_session_visitor: {
    key: 'link_session_visitor_hk',
    columns: link('link_session_visitor_hk', ['session_hk', 'visitor_hk']),
  },
  vault_link_event_session: {
    key: 'link_event_session_hk',
    columns: link('link_event_session_hk', ['event_hk', 'session_hk'], [['event_ts', 'ms']]),
  },
  vault_link_event_page: {
    key: 'link_event_page_hk',
    columns: link('link_event_page_hk', ['event_hk', 'page_hk'], [['event_ts', 'ms']]),
  },
  vault_sat_event_details: {
    key: 'event_hk',
    columns: sat('event_hk', [
      ['event_ts', 'ms'],
      ['event_type', 'text'],
      ['page_url', 'text'],
      ['page_title', 'text'],
      ['referrer_url', 'text'],
      ['scroll_depth', 'int'],
      ['time_on_page', 'int'],
      ['click_x', 'int'],
      ['click_y', 'int'],
      ['revenue_amount', 'float'],
      ['revenue_currency', 'text'],
      ['custom_properties', 'text'],
    ]),
  },
  vault_sat_session_details: {
    key: 'session_hk',
    columns: sat('session_hk', [
      ['session_start_time', 'ms'],
      ['session_end_time', 'ms'],
      ['total_page_views', 'int'],
      ['total_events', 'int'],
      ['session_duration_seconds', 'int'],
      ['entry_page_url', 'text'],
      ['exit_page_url', 'text'],
      ['referrer_url', 'text'],
      ['utm_source', 'text'],
      ['utm_medium', 'text'],
      ['utm_campaign', 'text'],
      ['channel', 'text'],
      ['is_bounce', 'int'],
      ['total_conversion_value', 'float'],
    ]),
  },
  vault_sat_visitor_details: {
    key: 'visitor_hk',
    columns: sat('visitor_hk', [
      ['user_id', 'text'],
      ['device_type', 'text'],
      ['browser_name', 'text'],
      ['operating_system', 'text'],
      ['screen_resolution', 'text'],
      ['country', 'text'],
      ['first_visit_date', 'ms'],
      ['last_visit_date', 'ms'],
      ['total_sessions', 'int'],
      ['total_page_views', 'int'],
      ['total_events', 'int'],
      ['lifetime_value', 'float'],
    ]),
  },
} as const satisfies Record<string, { key: string; columns: Array<[string, Kind]> }>;

export type VaultTable = keyof typeof VAULT_TABLES;
export const vaultColumns = (table: VaultTable): string[] => VAULT_TABLES[table].columns.map(([c]) => c);

const DUCKDB: Record<Kind, string> = {
  key: 'VARCHAR NOT NULL',
  text: 'VARCHAR NOT NULL',
  ms: 'BIGINT NOT NULL',
  int: 'BIGINT',
  float: 'DOUBLE',
  end: 'BIGINT',
};
const CLICKHOUSE: Record<Kind, string> = {
  key: 'String',
  text: 'String',
  ms: 'Int64',
  int: 'Nullable(Int64)',
  float: 'Nullable(Float64)',
  end: 'Nullable(Int64)',
};

/** Each satellite's current rows joined with its hub's business keys; one view per satellite. */
const CURRENT_VIEWS: Array<{ view: string; sat: VaultTable; hub: VaultTable; keys: string[] }> = [
  { view: 'vault_current_event_details', sat: 'vault_sat_event_details', hub: 'vault_hub_event', keys: ['event_id'] },
  { view: 'vault_current_session_details', sat: 'vault_sat_session_details', hub: 'vault_hub_session', keys: ['session_id', 'visitor_id'] },
  { view: 'vault_current_visitor_details', sat: 'vault_sat_visitor_details', hub: 'vault_hub_visitor', keys: ['visitor_id'] },
];

export function vaultDuckDbStatements(): string[] {
  const tables = Object.entries(VAULT_TABLES).map(
    ([name, t]) => `CREATE TABLE IF NOT EXISTS ${name} (${t.columns.map(([c, k]) => `${c} ${DUCKDB[k]}`).join(', ')})`,
  );
  const views = CURRENT_VIEWS.map((v) => {
    const key = VAULT_TABLES[v.sat].key;
    return `CREATE OR REPLACE VIEW ${v.view} AS SELECT ${v.keys.map((k) => `h.${k}`).join(', ')}, s.* EXCLUDE (version)
      FROM ${v.sat} s JOIN ${v.hub} h ON h.${key} = s.${key} AND h.site_id = s.site_id WHERE s.load_end_date IS NULL`;
  });
  return [
    ...tables,
    `CREATE TABLE IF NOT EXISTS vault_state (site_id VARCHAR PRIMARY KEY, watermark BIGINT NOT NULL, last_load BIGINT NOT NULL)`,
    ...views,
  ];
}

/** ms column to a partition key (DateTime holds 1970..2105). */
const month = (col: string) => `toYYYYMM(toDateTime(intDiv(least(greatest(${col}, 0), 4294967295000), 1000), 'UTC'))`;

export function vaultClickHouseStatements(): string[] {
  const tables = Object.entries(VAULT_TABLES).map(([name, t]) => {
    const cols = t.columns.map(([c, k]) => `${c} ${CLICKHOUSE[k]}`).join(', ');
    const isSat = name.startsWith('vault_sat_');
    const partition = t.columns.some(([c]) => c === 'event_ts') ? `PARTITION BY ${month('event_ts')} ` : '';
    // Hubs and links: one row per key (a repeated insert collapses). Satellites: one row per key and load,
    // the highest version winning — end-dating inserts the row again with load_end_date set.
    const engine = isSat ? 'ReplacingMergeTree(version)' : 'ReplacingMergeTree';
    const order = isSat ? `(site_id, ${t.key}, load_date)` : `(site_id, ${t.key})`;
    return `CREATE TABLE IF NOT EXISTS ${name} (${cols}) ENGINE = ${engine} ${partition}ORDER BY ${order}`;
  });
  const views = CURRENT_VIEWS.map((v) => {
    const key = VAULT_TABLES[v.sat].key;
    const satCols = vaultColumns(v.sat).filter((c) => c !== 'version');
    // 18.16: no window functions, joins by equal keys only (USING), FINAL inside a view's subquery.
    return `CREATE VIEW IF NOT EXISTS ${v.view} AS SELECT ${[...v.keys, ...satCols].join(', ')}
      FROM (SELECT ${satCols.join(', ')} FROM ${v.sat} FINAL WHERE isNull(load_end_date)) AS s
      ANY INNER JOIN (SELECT ${key}, site_id, ${v.keys.join(', ')} FROM ${v.hub} FINAL) AS h USING (${key}, site_id)`;
  });
  return [
    ...tables,
    `CREATE TABLE IF NOT EXISTS vault_state (site_id String, watermark Int64, last_load Int64) ENGINE = ReplacingMergeTree(last_load) ORDER BY site_id`,
    ...views,
  ];
}
