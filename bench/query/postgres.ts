import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EVENT_COLUMNS, PASSIVE_EVENT_NAMES, type CanonicalEvent } from '@tidemark/core';
import { previousRange, resolvePeriod } from '../../packages/server/src/stats';
import { fmt } from '../lib/machine';
import { benchBatches, DATA_END, MAIN_SITE } from './dataset';
import { OVERVIEW_DIMENSIONS, type OverviewDigest, type Period } from './overview';

/**
 * The row-store baseline: the same events in a PostgreSQL table shaped like the seed specs' analytics
 * tables (one row per event, btree indexes on site + time, session and visitor), loaded with COPY,
 * and the dashboard overview written as plain SQL with the same definitions as the stats engine.
 */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

export const PG_TYPES: Record<string, string> = {
  uuid: 'uuid',
  string: 'text',
  timestamp_ms: 'timestamptz',
  int: 'integer',
  float: 'double precision',
  json: 'jsonb',
};

export const PG_INDEXES = [
  'CREATE INDEX events_site_ts ON events (site_id, ts)',
  'CREATE INDEX events_site_session ON events (site_id, session_id, visitor_id)',
  'CREATE INDEX events_site_visitor_ts ON events (site_id, visitor_id, ts)',
  'CREATE INDEX events_site_name_ts ON events (site_id, name, ts)',
];

function copyText(v: unknown, kind: string): string {
  if (v === null || v === undefined) return '\\N';
  if (kind === 'timestamp_ms') return new Date(v as number).toISOString();
  const s = kind === 'json' ? JSON.stringify(v) : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

function copyLines(events: CanonicalEvent[]): string {
  let out = '';
  for (const e of events) {
    const rec = e as unknown as Record<string, unknown>;
    out += EVENT_COLUMNS.map((c) => copyText(rec[c.name], c.kind)).join('\t') + '\n';
  }
  return out;
}

export interface PgDatabase {
  name: string;
  pool: pg.Pool;
  loadSeconds: number;
  indexSeconds: number;
  events: number;
  tableBytes: number;
  drop(): Promise<void>;
}

/** Creates a uniquely named database, loads the events with COPY, builds the indexes, VACUUM ANALYZE. */
export async function loadPostgres(mainEvents: number, otherEvents: number): Promise<PgDatabase> {
  const name = `tidemark_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  // Analytic queries sort and hash a lot: give each connection a sensible work_mem, as one would in production.
  const pool = new pg.Pool({ ...PG, database: name, max: 4, options: '-c work_mem=64MB' });
  // DROP DATABASE … WITH (FORCE) below terminates connections the pool may still hold: not an error.
  pool.on('error', () => undefined);
  const drop = async () => {
    await pool.end().catch(() => undefined);
    const a = new pg.Client({ ...PG, database: 'postgres' });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  };
  try {
    const cols = EVENT_COLUMNS.map((c) => `${c.name} ${PG_TYPES[c.kind]}${c.nullable ? '' : ' NOT NULL'}`);
    await pool.query(`CREATE TABLE events (${cols.join(', ')})`);
    const t0 = performance.now();
    const client = await pool.connect();
    let events = 0;
    try {
      const stream = client.query(copyFrom(`COPY events (${EVENT_COLUMNS.map((c) => c.name).join(', ')}) FROM STDIN`));
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      let lastLog = t0;
      for (const batch of benchBatches(mainEvents, otherEvents, 20_000)) {
        events += batch.length;
        if (!stream.write(copyLines(batch))) await new Promise((r) => stream.once('drain', r));
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          console.log(`[query] PostgreSQL: ${fmt(events)} rows copied`);
        }
      }
      stream.end();
      await done;
    } finally {
      client.release();
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (const ddl of PG_INDEXES) await pool.query(ddl);
    await pool.query('VACUUM ANALYZE events');
    const indexSeconds = (performance.now() - t1) / 1000;
    const size = await pool.query<{ n: string }>(`SELECT pg_total_relation_size('events') AS n`);
    return { name, pool, loadSeconds, indexSeconds, events, tableBytes: Number(size.rows[0].n), drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

const SESSION_LEVEL: Record<string, string> = {
  channel: '(array_agg(channel ORDER BY ts))[1]',
  source: '(array_agg(source ORDER BY ts))[1]',
  entry_page: `(array_agg(path ORDER BY ts) FILTER (WHERE name = 'page_view'))[1]`,
  country: '(array_agg(country ORDER BY ts))[1]',
  browser: '(array_agg(browser ORDER BY ts))[1]',
  os: '(array_agg(os ORDER BY ts))[1]',
  device: '(array_agg(device_type ORDER BY ts))[1]',
};

// $1 site, $2 period start, $3 period end, $4/$5 the session look-around window, $6 passive event names, $7 timezone
const sessions = (extra = '') => `s AS (
  SELECT session_id, visitor_id, min(ts) AS s_start,
    (extract(epoch FROM max(ts) - min(ts)) * 1000)::bigint AS s_duration_ms,
    count(*) FILTER (WHERE name = 'page_view') AS s_pageviews,
    count(*) FILTER (WHERE name <> ALL ($6::text[])) AS s_interactive,
    count(*) FILTER (WHERE ts >= $2 AND ts < $3) AS s_ev_in,
    count(*) FILTER (WHERE ts >= $2 AND ts < $3 AND name = 'page_view') AS s_pv_in${extra}
  FROM events WHERE site_id = $1 AND ts >= $4 AND ts < $5
  GROUP BY session_id, visitor_id)`;

const inPeriod = 's_start >= $2 AND s_start < $3';
const sessionAggregates = `count(DISTINCT visitor_id) FILTER (WHERE s_ev_in > 0) AS visitors, coalesce(sum(s_pv_in), 0) AS pageviews,
  count(*) FILTER (WHERE ${inPeriod}) AS sessions, count(*) FILTER (WHERE ${inPeriod} AND s_pageviews = 1 AND s_interactive = 0) AS bounces,
  coalesce(sum(s_duration_ms) FILTER (WHERE ${inPeriod}), 0) AS duration_ms, coalesce(sum(s_pageviews) FILTER (WHERE ${inPeriod}), 0) AS session_pageviews`;

const KPI_SQL = `WITH ${sessions()} SELECT ${sessionAggregates} FROM s WHERE s_ev_in > 0 OR (${inPeriod})`;

const breakdownSql = (dim: string) =>
  dim === 'page'
    ? `WITH ${sessions()}
       SELECT d, sum(visitors) AS visitors, sum(pageviews) AS pageviews, sum(sessions) AS sessions, sum(bounces) AS bounces, sum(duration_ms) AS duration_ms, sum(session_pageviews) AS session_pageviews FROM (
         SELECT path AS d, count(DISTINCT visitor_id) AS visitors, count(*) FILTER (WHERE name = 'page_view') AS pageviews, 0 AS sessions, 0 AS bounces, 0 AS duration_ms, 0 AS session_pageviews
         FROM events WHERE site_id = $1 AND ts >= $2 AND ts < $3 GROUP BY path
         UNION ALL
         SELECT l.d, 0, 0, count(*), count(*) FILTER (WHERE s_pageviews = 1 AND s_interactive = 0), sum(s_duration_ms), sum(s_pageviews)
         FROM (SELECT DISTINCT session_id, visitor_id, path AS d FROM events WHERE site_id = $1 AND ts >= $2 AND ts < $3) l
         JOIN s USING (session_id, visitor_id) WHERE ${inPeriod} GROUP BY l.d) u
       GROUP BY d ORDER BY visitors DESC, d ASC LIMIT 10`
    : `WITH ${sessions(`,\n    coalesce(${SESSION_LEVEL[dim]}, '') AS d`)}
       SELECT d, ${sessionAggregates} FROM s WHERE s_ev_in > 0 OR (${inPeriod}) GROUP BY d ORDER BY visitors DESC, d ASC LIMIT 10`;

const TIMESERIES_SQL = `WITH ${sessions()}
  SELECT bucket, sum(visitors) AS visitors, sum(pageviews) AS pageviews, sum(sessions) AS sessions, sum(bounces) AS bounces, sum(duration_ms) AS duration_ms FROM (
    SELECT to_char(date_trunc('day', ts AT TIME ZONE $7), 'YYYY-MM-DD') AS bucket, count(DISTINCT visitor_id) AS visitors, count(*) FILTER (WHERE name = 'page_view') AS pageviews, 0 AS sessions, 0 AS bounces, 0 AS duration_ms
    FROM events WHERE site_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1
    UNION ALL
    SELECT to_char(date_trunc('day', s_start AT TIME ZONE $7), 'YYYY-MM-DD'), 0, 0, count(*), count(*) FILTER (WHERE s_pageviews = 1 AND s_interactive = 0), sum(s_duration_ms)
    FROM s WHERE ${inPeriod} GROUP BY 1) u
  GROUP BY bucket ORDER BY bucket`;

const LOOKAROUND_MS = 24 * 3_600_000;

function paramsFor(startMs: number, endMs: number): unknown[] {
  const t = (ms: number) => new Date(ms).toISOString();
  return [
    MAIN_SITE.id,
    t(startMs),
    t(endMs),
    t(startMs - LOOKAROUND_MS),
    t(endMs + LOOKAROUND_MS),
    [...PASSIVE_EVENT_NAMES],
    MAIN_SITE.timezone,
  ];
}

type Row = Record<string, string | number | null>;
export interface PgOverview {
  kpis: Row;
  previous: Row;
  timeseries: Row[];
  breakdowns: Record<string, Row[]>;
}

/** The whole overview, all statements issued at once over the pool (as the stats engine does). */
export async function pgOverview(pool: pg.Pool, p: Period): Promise<PgOverview> {
  const dateRange =
    p.params.period === 'custom' ? { start: p.params.start_date, end: p.params.end_date } : (p.params.period as 'last_30_days');
  const range = resolvePeriod(dateRange, MAIN_SITE.timezone, DATA_END - 60_000);
  const prev = previousRange(range, MAIN_SITE.timezone);
  const cur = paramsFor(range.startMs, range.endMs);
  const q = (sql: string, params: unknown[]) => pool.query<Row>(sql, params).then((r) => r.rows);
  // Only the timeseries uses the timezone ($7); PostgreSQL refuses parameters a statement never uses.
  const six = (params: unknown[]) => params.slice(0, 6);
  const [kpis, previous, timeseries, ...bds] = await Promise.all([
    q(KPI_SQL, six(cur)),
    q(KPI_SQL, six(paramsFor(prev.startMs, prev.endMs))),
    q(TIMESERIES_SQL, cur),
    ...OVERVIEW_DIMENSIONS.map((d) => q(breakdownSql(d), six(cur))),
  ]);
  const breakdowns: Record<string, Row[]> = {};
  for (const [i, d] of OVERVIEW_DIMENSIONS.entries()) breakdowns[d] = bds[i];
  return { kpis: kpis[0], previous: previous[0], timeseries, breakdowns };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function digestPg(o: PgOverview): OverviewDigest {
  const a = (k: string) => Number(o.kpis[k] ?? 0);
  const sessionsN = a('sessions');
  const kpis = {
    visitors: a('visitors'),
    pageviews: a('pageviews'),
    sessions: sessionsN,
    bounce_rate: sessionsN ? round((100 * a('bounces')) / sessionsN, 1) : 0,
    avg_duration: sessionsN ? Math.round(a('duration_ms') / sessionsN / 1000) : 0,
    views_per_visit: sessionsN ? round(a('session_pageviews') / sessionsN, 2) : 0,
  };
  const top: OverviewDigest['top'] = {};
  for (const d of OVERVIEW_DIMENSIONS) top[d] = o.breakdowns[d].slice(0, 5).map((r) => [String(r.d), Number(r.visitors)]);
  return { kpis, previousVisitors: Number(o.previous.visitors ?? 0), days: o.timeseries.length, top };
}
