import { VITAL_THRESHOLDS, VITALS, vitalRating, type Vital, type VitalRow, type VitalStat } from '@tidemark/core';
import { and, bindString, dialectFor, ident, join, keyword, render, sql, type Dialect, type Sql } from '../stats';
import type { EventStore } from '../store';

/** A vital's value from the event's props: NULL when absent or not a number (both engines skip NULLs in quantiles). */
const vitalValue = (d: Dialect, vital: Vital): Sql => d.toNumberOrNull(d.propertyValue(ident('props'), vital));

const columns = (d: Dialect): Sql[] =>
  VITALS.flatMap((v) => {
    const x = vitalValue(d, v);
    const t = VITAL_THRESHOLDS[v];
    return [
      sql`${d.countIf(sql`${x} IS NOT NULL`)} AS ${ident(`${v}_n`)}`,
      sql`${d.quantile(x, 0.5)} AS ${ident(`${v}_p50`)}`,
      sql`${d.quantile(x, 0.75)} AS ${ident(`${v}_p75`)}`,
      sql`${d.quantile(x, 0.95)} AS ${ident(`${v}_p95`)}`,
      sql`${d.countIf(sql`${x} <= ${keyword(String(t.good))}`)} AS ${ident(`${v}_good`)}`,
      sql`${d.countIf(sql`${x} > ${keyword(String(t.poor))}`)} AS ${ident(`${v}_poor`)}`,
    ];
  });

/** ms to whole ms, CLS to 3 decimals: the same rounding for every engine. */
const round = (v: Vital, n: number) => (v === 'cls' ? Math.round(n * 1000) / 1000 : Math.round(n));
const pct = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : 0);

function statOf(r: Record<string, unknown>, v: Vital): VitalStat {
  const n = Number(r[`${v}_n`] ?? 0);
  const q = (k: string) => (n && r[k] !== null && r[k] !== undefined ? round(v, Number(r[k])) : null);
  const p75 = q(`${v}_p75`);
  return {
    samples: n,
    p50: q(`${v}_p50`),
    p75,
    p95: q(`${v}_p95`),
    rating: p75 === null ? null : vitalRating(v, p75),
    good: pct(Number(r[`${v}_good`] ?? 0), n),
    poor: pct(Number(r[`${v}_poor`] ?? 0), n),
  };
}

export function rowOf(r: Record<string, unknown>): VitalRow {
  const row = { samples: Number(r.samples ?? 0) } as VitalRow;
  for (const v of VITALS) row[v] = statOf(r, v);
  return row;
}

export interface VitalsScope {
  siteId: string;
  startMs: number;
  endMs: number;
  tz: string;
  page?: string | undefined;
}

/**
 * p50/p75/p95 of each vital over the site's page_performance events, grouped by `key` (none: the totals;
 * 'day' in the site's timezone; or an event column). Exact interpolated quantiles on both engines.
 */
export async function vitalsBy(
  events: EventStore,
  scope: VitalsScope,
  key: 'none' | 'day' | 'path' | 'device_type' | 'country',
): Promise<Array<VitalRow & { key: string }>> {
  const d = dialectFor(events.dialect);
  const ts = ident('ts');
  const where = and([
    sql`site_id = ${bindString(scope.siteId)}`,
    sql`ts >= ${d.timestampFromMs(scope.startMs)}`,
    sql`ts < ${d.timestampFromMs(scope.endMs)}`,
    sql`name = 'page_performance'`,
    scope.page === undefined ? sql`1 = 1` : sql`path = ${bindString(scope.page)}`,
  ]);
  const keyExpr = key === 'none' ? sql`''` : key === 'day' ? d.timeBucket(ts, 'day', scope.tz) : ident(key);
  const group = key === 'none' ? sql`` : sql` GROUP BY k`;
  const q = sql`SELECT ${keyExpr} AS k, count(*) AS samples, ${join(columns(d))} FROM events WHERE ${where}${group}`;
  const { sql: text, params } = render(q, d);
  const rows = await events.query<Record<string, unknown>>(text, params);
  return rows.filter((r) => Number(r.samples) > 0).map((r) => ({ key: String(r.k ?? ''), ...rowOf(r) }));
}
