/**
 * Side tables: rows a capability keeps beside the events in the same engine (revenue facts and
 * transactions), declared once so both engines build the same columns. Every row belongs to a site and
 * has a key within it; writing a row with the same key again replaces it (DuckDB: primary key with
 * INSERT OR REPLACE; ClickHouse: ReplacingMergeTree on `version`, read through FINAL). Times and
 * amounts are integers (ms, minor units) on both engines, so the same SQL reads them.
 */

import { SESSION_COLUMN_DIMENSIONS } from './session-columns';

export type SideColumnKind = 'string' | 'int';

export interface SideTableSpec {
  name: SideTableName;
  /** Columns besides site_id, in order; `key` names the row within its site. */
  columns: ReadonlyArray<{ name: string; kind: SideColumnKind }>;
  key: string;
  /** The column (ms) that retention compares with its cutoff. */
  time: string;
  /** Columns naming a person, blanked when a data subject is erased (the amounts stay for the books). */
  personal: readonly string[];
  /** Columns holding a visitor id that makes a row the subject's (export, erasure); default `visitor_id`. */
  subjectColumns?: readonly string[];
  /**
   * Rows (an SQL condition) that only link a person to other records, with nothing for the books: an
   * erasure deletes them instead of blanking, since their key itself may name the person.
   */
  linkOnly?: string;
}

/** The columns whose visitor id makes a row a data subject's. */
export const subjectColumnsOf = (spec: SideTableSpec): readonly string[] => spec.subjectColumns ?? ['visitor_id'];

export type SideTableName = 'revenue_facts' | 'transactions' | 'revenue_credits' | 'heatmap_cells' | 'person_labels';

/** The stats engine's single-valued session dimensions, one credit column each (frozen with the migrations). */
export const CREDIT_DIMENSIONS = SESSION_COLUMN_DIMENSIONS;

const s = (name: string) => ({ name, kind: 'string' as const });
const i = (name: string) => ({ name, kind: 'int' as const });

export const SIDE_TABLES: Record<SideTableName, SideTableSpec> = {
  // What each webhook event (or collected revenue event) said about a payment, a refund or a subscription:
  // one row per Stripe event id, so a retried delivery replaces its own row.
  revenue_facts: {
    name: 'revenue_facts',
    columns: [
      s('fact_id'),
      s('kind'),
      s('txn_key'),
      s('alias_key'),
      s('parent_key'),
      s('subscription_id'),
      i('created'),
      i('received_at'),
      s('visitor_id'),
      s('session_id'),
      s('email_hash'),
      s('data'),
      i('version'),
    ],
    key: 'fact_id',
    time: 'created',
    personal: ['visitor_id', 'session_id', 'email_hash'],
    // An identify fact ("this e-mail was this visitor"): its id is made of the e-mail hash and the visitor id.
    linkOnly: "kind = 'identity'",
  },
  // One row per payment or refund, folded from its facts (revenue/fold.ts); `status` = 'counted' for rows
  // that count, 'merged' for a payment reported under another key (a payment intent of an invoice).
  transactions: {
    name: 'transactions',
    columns: [
      s('txn_key'),
      s('kind'),
      s('status'),
      s('source'),
      s('transaction_id'),
      i('ts'),
      i('amount'),
      s('currency'),
      s('product_id'),
      s('product_name'),
      i('is_subscription'),
      s('subscription_id'),
      i('mrr_impact'),
      s('refund_of'),
      s('customer_id'),
      s('email_hash'),
      s('email_mask'),
      s('visitor_id'),
      s('session_id'),
      s('link'),
      i('version'),
    ],
    key: 'txn_key',
    time: 'ts',
    personal: ['visitor_id', 'session_id', 'email_hash', 'email_mask', 'customer_id'],
  },
  // The heatmap grid (behaviour/grid.ts): samples of one day in the site's time zone counted per (page,
  // viewport class, kind, cell or selector), built in the engine from the raw samples by the grid job; a
  // `day` row marks a built day and names its zone in `selector`. Keys are heatmapCellKeySql of the row.
  // Counts only, nobody's data: nothing to unlink for a data subject (their raw samples are events).
  heatmap_cells: {
    name: 'heatmap_cells',
    columns: [s('cell_key'), i('day'), s('path'), s('viewport'), s('kind'), i('cx'), i('cy'), s('selector'), i('n'), i('version')],
    key: 'cell_key',
    time: 'day',
    personal: [],
  },
  // Each counted transaction's credit per attribution model and touchpoint session (revenue/credits.ts), with
  // the session's dimension values, so the stats engine's revenue metrics group and filter by them.
  revenue_credits: {
    name: 'revenue_credits',
    columns: [
      s('credit_id'),
      s('model'),
      s('txn_key'),
      s('kind'),
      i('ts'),
      s('payer'),
      s('session_id'),
      s('visitor_id'),
      i('touch_start'),
      i('credit'),
      i('scale'),
      s('conv'),
      i('computed_at'),
      i('txn_version'),
      ...CREDIT_DIMENSIONS.map(s),
      i('version'),
      // The payer's profile id (People pages: u<user id> or v<visitor id>), so listing a payment links to it
      // without reading events. Added by DuckDB migration 17 / ClickHouse 11.
      s('payer_profile'),
    ],
    key: 'credit_id',
    time: 'ts',
    personal: ['payer', 'session_id', 'visitor_id', 'payer_profile'],
    // A credit is the payer's as well as the touch's visitor's (another device, or none: unattributed).
    subjectColumns: ['visitor_id', 'payer'],
  },
  // Each visitor id's person labels (segments/labels.ts): its profile's lead score and segment, one row per
  // visitor id of the profile, so the stats engine's `score` and `segment` join events on (site, visitor id).
  // Derived; an erasure deletes the rows (the key is the visitor id). Retention: rows not relabelled since the cutoff.
  person_labels: {
    name: 'person_labels',
    columns: [s('visitor_id'), s('profile_id'), i('score'), s('segment_id'), i('computed_at'), i('version')],
    key: 'visitor_id',
    time: 'computed_at',
    personal: ['visitor_id', 'profile_id'],
    linkOnly: '1 = 1',
  },
};

export const SIDE_TABLE_NAMES = Object.keys(SIDE_TABLES) as SideTableName[];

/** The side tables with columns naming a person: the ones a data subject's export and erasure read. */
export const PERSONAL_SIDE_TABLES = SIDE_TABLE_NAMES.filter((n) => SIDE_TABLES[n].personal.length > 0);

export type SideRow = Record<string, string | number>;

/** The row with every column present (missing strings '', ints 0), checked against the spec. */
export function normalizeSideRow(spec: SideTableSpec, row: SideRow): SideRow {
  const out: SideRow = { site_id: String(row.site_id ?? '') };
  if (!out.site_id) throw new Error(`${spec.name}: row without site_id`);
  for (const c of spec.columns) {
    const v = row[c.name];
    if (c.kind === 'int') {
      const n = v === undefined || v === '' ? 0 : Number(v);
      if (!Number.isSafeInteger(n)) throw new Error(`${spec.name}.${c.name}: not a safe integer`);
      out[c.name] = n;
    } else out[c.name] = v === undefined || v === null ? '' : String(v).toWellFormed();
  }
  if (!out[spec.key]) throw new Error(`${spec.name}: row without ${spec.key}`);
  return out;
}

export const duckDbSideTableSql = (spec: SideTableSpec): string =>
  `CREATE TABLE IF NOT EXISTS ${spec.name} (site_id VARCHAR NOT NULL, ${spec.columns
    .map((c) => `${c.name} ${c.kind === 'int' ? 'BIGINT' : 'VARCHAR'} NOT NULL`)
    .join(', ')}, PRIMARY KEY (site_id, ${spec.key}))`;

export const clickHouseSideTableSql = (spec: SideTableSpec): string =>
  `CREATE TABLE IF NOT EXISTS ${spec.name} (site_id String, ${spec.columns
    .map((c) => `${c.name} ${c.kind === 'int' ? 'Int64' : 'String'}`)
    .join(', ')}) ENGINE = ReplacingMergeTree(version) ORDER BY (site_id, ${spec.key})`;

/**
 * A heatmap grid row's key from its columns (SQL over `day, path, viewport, kind, cx, cy, selector`): the
 * same cell of the same day gets the same key whenever it is built, so ClickHouse's replacing engine swaps
 * a rebuilt row for the old one. A day mark's key leaves its zone out: marking a day again replaces it.
 */
export function heatmapCellKeySql(engine: 'duckdb' | 'clickhouse'): string {
  const sep = "'|'";
  if (engine === 'duckdb')
    return `md5(concat(CAST(day AS VARCHAR), ${sep}, path, ${sep}, viewport, ${sep}, kind, ${sep}, CAST(cx AS VARCHAR), ${sep}, CAST(cy AS VARCHAR), ${sep}, CASE WHEN kind = 'day' THEN '' ELSE selector END))`;
  return `lower(hex(MD5(concat(toString(day), ${sep}, path, ${sep}, viewport, ${sep}, kind, ${sep}, toString(cx), ${sep}, toString(cy), ${sep}, if(kind = 'day', '', selector)))))`;
}
