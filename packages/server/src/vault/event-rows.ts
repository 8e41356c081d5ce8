import { vaultColumns, type DerivedTables } from '../store';
import type { VaultDialect } from './dialect';
import type { VaultLoadReport } from './loader';

export const RECORD_SOURCE = 'tidemark.events';

/** Event hub, event links, event details and page hub of the window's events, skipping keys already there. */
export async function loadEventRows(
  db: DerivedTables,
  d: VaultDialect,
  siteId: string,
  window: string,
  wp: unknown[],
  lo: number,
  hi: number,
  loadDate: number,
  report: VaultLoadReport,
): Promise<void> {
  const eventHk = d.hk('site_id', d.text('event_id'));
  const sessionHk = d.hk('site_id', 'session_id', 'visitor_id');
  const pageUrl = 'concat(host, path)';
  const pageHk = d.hk('site_id', pageUrl);
  // The keys already loaded among events of the same time span (the tables are partitioned by event time).
  const loaded = (table: string, key: string) =>
    `${key} NOT IN (SELECT ${key} FROM ${table} WHERE site_id = ? AND event_ts >= ? AND event_ts <= ?)`;
  const meta = [loadDate, RECORD_SOURCE];
  const eventId = d.text('event_id');
  const inserts: Array<[string, Array<[string, string]>]> = [
    [
      'vault_hub_event',
      [
        [eventHk, 'event_hk'],
        ['site_id', 'site_id'],
        [eventId, 'event_id'],
        [d.ms('ts'), 'event_ts'],
      ],
    ],
    [
      'vault_link_event_session',
      [
        [d.hk('site_id', eventId, 'session_id', 'visitor_id'), 'link_event_session_hk'],
        ['site_id', 'site_id'],
        [eventHk, 'event_hk'],
        [sessionHk, 'session_hk'],
        [d.ms('ts'), 'event_ts'],
      ],
    ],
    [
      'vault_link_event_page',
      [
        [d.hk('site_id', eventId, pageUrl), 'link_event_page_hk'],
        ['site_id', 'site_id'],
        [eventHk, 'event_hk'],
        [pageHk, 'page_hk'],
        [d.ms('ts'), 'event_ts'],
      ],
    ],
  ];
  for (const [table, cols] of inserts) {
    const select = cols.map(([expr, alias]) => (expr === alias ? expr : `${expr} AS ${alias}`)).join(', ');
    report.added[table] = await insertSelect(
      db,
      table,
      [...cols.map(([, alias]) => alias), 'load_date', 'record_source'],
      `SELECT * FROM (SELECT ${select}, ? AS load_date, ? AS record_source FROM events WHERE ${window}) AS n WHERE ${loaded(table, cols[0]![1])}`,
      [...meta, ...wp, siteId, lo, hi],
    );
  }
  // Event details never change (events are immutable): one satellite row per event.
  const diff = d.hk(
    'name',
    pageUrl,
    'title',
    'referrer',
    ...['scroll_depth', 'engaged_ms', 'x', 'y', 'revenue_amount'].map((c) => d.intText(c)),
    'revenue_currency',
    'props',
  );
  const details = [
    `${eventHk} AS event_hk`,
    'site_id',
    '? AS load_date',
    'NULL AS load_end_date',
    `${diff} AS hash_diff`,
    `${d.ms('ts')} AS event_ts`,
    'name AS event_type',
    'url AS page_url',
    'title AS page_title',
    'referrer AS referrer_url',
    'scroll_depth',
    `${d.seconds('engaged_ms')} AS time_on_page`,
    'x AS click_x',
    'y AS click_y',
    'revenue_amount',
    'revenue_currency',
    'props AS custom_properties',
    '? AS record_source',
    '? AS version',
  ];
  report.added.vault_sat_event_details = await insertSelect(
    db,
    'vault_sat_event_details',
    vaultColumns('vault_sat_event_details'),
    `SELECT * FROM (SELECT ${details.join(', ')} FROM events WHERE ${window}) AS n WHERE ${loaded('vault_sat_event_details', 'event_hk')}`,
    [loadDate, RECORD_SOURCE, loadDate, ...wp, siteId, lo, hi],
  );
  report.added.vault_hub_page = await insertSelect(
    db,
    'vault_hub_page',
    ['page_hk', 'site_id', 'page_url', 'load_date', 'record_source'],
    `SELECT page_hk, site_id, page_url, ? AS load_date, ? AS record_source FROM (
         SELECT DISTINCT ${pageHk} AS page_hk, site_id, ${pageUrl} AS page_url FROM events WHERE ${window}) AS n
       WHERE page_hk NOT IN (SELECT page_hk FROM vault_hub_page WHERE site_id = ?)`,
    [...meta, ...wp, siteId],
  );
}

/** INSERT … SELECT; the rows it added (counted before, as ClickHouse does not say). */
async function insertSelect(db: DerivedTables, table: string, columns: string[], select: string, params: unknown[]): Promise<number> {
  const [row] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM (${select}) AS c`, params);
  const n = Number(row?.n ?? 0);
  if (n) await db.run(`INSERT INTO ${table} (${columns.join(', ')}) ${select}`, params);
  return n;
}
