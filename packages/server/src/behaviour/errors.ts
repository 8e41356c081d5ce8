import type { ErrorsReport } from '@tidemark/core';
import { and, bindString, dialectFor, ident, keyword, render, sql, type Sql } from '../stats';
import type { EventStore } from '../store';

export interface ErrorsScope {
  siteId: string;
  startMs: number;
  endMs: number;
  tz: string;
  /** The local dates of the period, in order (the trend has one number per date). */
  dates: string[];
  limit: number;
}

/**
 * The errors report: error_occurred events grouped by their fingerprint (t.errors.js), with occurrences,
 * affected visitors, first and last seen, the pages and browsers they happened on and a daily trend.
 * Plain statements for both engines through the stats dialects; the groups are joined in here.
 */
export async function errorsReport(events: EventStore, scope: ErrorsScope): Promise<Omit<ErrorsReport, 'period'>> {
  const d = dialectFor(events.dialect);
  const ts = ident('ts');
  const fp = d.propertyValue(ident('props'), 'fingerprint');
  const where = and([
    sql`site_id = ${bindString(scope.siteId)}`,
    sql`ts >= ${d.timestampFromMs(scope.startMs)}`,
    sql`ts < ${d.timestampFromMs(scope.endMs)}`,
    sql`name = 'error_occurred'`,
  ]);
  const run = async <T>(q: Sql): Promise<T[]> => {
    const { sql: text, params } = render(q, d);
    return events.query<T>(text, params);
  };
  const first = (key: string) => d.argMinIf(d.propertyValue(ident('props'), key), ts, keyword('1 = 1'));
  const [groups, byPage, byBrowser, byDay, [totals]] = await Promise.all([
    run<Record<string, unknown>>(sql`SELECT ${fp} AS fp, count(*) AS n, ${d.uniq(ident('visitor_id'))} AS visitors,
      ${d.timestampToMs(sql`min(ts)`)} AS first_seen, ${d.timestampToMs(sql`max(ts)`)} AS last_seen,
      ${first('message')} AS message, ${first('source')} AS source
      FROM events WHERE ${where} GROUP BY fp`),
    run<Record<string, unknown>>(sql`SELECT ${fp} AS fp, path AS v, count(*) AS n FROM events WHERE ${where} GROUP BY fp, path`),
    run<Record<string, unknown>>(sql`SELECT ${fp} AS fp, browser AS v, count(*) AS n FROM events WHERE ${where} GROUP BY fp, browser`),
    run<Record<string, unknown>>(
      sql`SELECT ${fp} AS fp, ${d.timeBucket(ts, 'day', scope.tz)} AS v, count(*) AS n FROM events WHERE ${where} GROUP BY fp, v`,
    ),
    run<Record<string, unknown>>(sql`SELECT count(*) AS n, ${d.uniq(ident('visitor_id'))} AS visitors FROM events WHERE ${where}`),
  ]);
  const counts = (rows: Array<Record<string, unknown>>) => {
    const out = new Map<string, Array<{ v: string; n: number }>>();
    for (const r of rows) {
      const list = out.get(String(r.fp)) ?? [];
      list.push({ v: String(r.v ?? ''), n: Number(r.n) });
      out.set(String(r.fp), list);
    }
    for (const list of out.values()) list.sort((a, b) => b.n - a.n || (a.v < b.v ? -1 : 1));
    return out;
  };
  const pages = counts(byPage);
  const browsers = counts(byBrowser);
  const days = counts(byDay);
  const dayIndex = new Map(scope.dates.map((date, i) => [date, i]));
  const timeseries = scope.dates.map((date) => ({ date, occurrences: 0 }));
  const errors = groups.map((g) => {
    const key = String(g.fp);
    const trend = scope.dates.map(() => 0);
    for (const { v, n } of days.get(key) ?? []) {
      const i = dayIndex.get(v);
      if (i !== undefined) {
        trend[i] += n;
        timeseries[i]!.occurrences += n;
      }
    }
    return {
      fingerprint: key,
      message: String(g.message ?? ''),
      source: String(g.source ?? ''),
      occurrences: Number(g.n),
      visitors: Number(g.visitors),
      first_seen: Number(g.first_seen),
      last_seen: Number(g.last_seen),
      pages: (pages.get(key) ?? []).slice(0, 10).map(({ v, n }) => ({ page: v, count: n })),
      browsers: (browsers.get(key) ?? []).slice(0, 10).map(({ v, n }) => ({ browser: v, count: n })),
      trend,
    };
  });
  errors.sort((a, b) => b.occurrences - a.occurrences || b.last_seen - a.last_seen || (a.fingerprint < b.fingerprint ? -1 : 1));
  return {
    totals: { occurrences: Number(totals?.n ?? 0), visitors: Number(totals?.visitors ?? 0), errors: groups.length },
    timeseries,
    errors: errors.slice(0, scope.limit),
  };
}
