import { and, bindInt, bindString, dialectFor, ident, keyword, render, sql, type Dialect } from '../stats';
import type { EventStore } from '../store';
import type { Touchpoint } from './attribution';

/**
 * Touchpoints of paying visitors: each session of a visitor who has a counted transaction in
 * [startMs, endMs), seen in [startMs - lookbackMs, endMs), with its start and entry attributes (the
 * session's first event: channel, source, medium, campaign, landing page). One statement for both
 * engines through the stats dialects; no join (the visitors are a subquery on `transactions`).
 */
export async function paidTouchpoints(
  events: EventStore,
  siteId: string,
  startMs: number,
  endMs: number,
  lookbackMs: number,
): Promise<Map<string, Touchpoint[]>> {
  const d = dialectFor(events.dialect);
  const ts = ident('ts');
  const first = (col: string) => d.argMinIf(ident(col), ts, keyword('TRUE'));
  const q = sql`SELECT visitor_id AS v, session_id AS s, ${d.timestampToMs(sql`min(ts)`)} AS start, ${first('channel')} AS channel,
    ${first('source')} AS source, ${first('utm_medium')} AS medium, ${first('utm_campaign')} AS campaign, ${first('path')} AS landing
    FROM events WHERE ${and([
      sql`site_id = ${bindString(siteId)}`,
      // A day more than the window, so sessions that started just before it are seen whole (their start is exact).
      sql`ts >= ${d.timestampFromMs(startMs - lookbackMs - 86_400_000)}`,
      sql`ts < ${d.timestampFromMs(endMs)}`,
      sql`visitor_id IN (SELECT visitor_id FROM transactions WHERE site_id = ${bindString(siteId)} AND status = 'counted'
        AND ts >= ${bindInt(startMs)} AND ts < ${bindInt(endMs)} AND visitor_id <> '')`,
    ])}
    GROUP BY visitor_id, session_id`;
  const { sql: text, params } = render(q, d);
  const rows = await events.query<{
    v: string;
    s: string;
    start: number;
    channel: string;
    source: string;
    medium: string;
    campaign: string;
    landing: string;
  }>(text, params);
  const byVisitor = new Map<string, Touchpoint[]>();
  for (const r of rows) {
    const list = byVisitor.get(r.v) ?? [];
    list.push({
      session_id: String(r.s),
      start: Number(r.start),
      channel: r.channel ?? '',
      source: r.source ?? '',
      medium: r.medium ?? '',
      campaign: r.campaign ?? '',
      landing_page: r.landing ?? '',
    });
    byVisitor.set(r.v, list);
  }
  for (const list of byVisitor.values()) list.sort((a, b) => a.start - b.start || (a.session_id < b.session_id ? -1 : 1));
  return byVisitor;
}

/** Visitors and sessions of the period, and visitors per entry source/medium (for the by-source rows). */
export async function trafficOf(
  events: EventStore,
  siteId: string,
  startMs: number,
  endMs: number,
): Promise<{ visitors: number; sessions: number; bySource: Map<string, number> }> {
  const d: Dialect = dialectFor(events.dialect);
  const ts = ident('ts');
  const where = and([
    sql`site_id = ${bindString(siteId)}`,
    sql`ts >= ${d.timestampFromMs(startMs)}`,
    sql`ts < ${d.timestampFromMs(endMs)}`,
  ]);
  const inner = sql`SELECT visitor_id, session_id, ${d.argMinIf(ident('source'), ts, keyword('TRUE'))} AS src,
    ${d.argMinIf(ident('utm_medium'), ts, keyword('TRUE'))} AS med FROM events WHERE ${where} GROUP BY visitor_id, session_id`;
  const q = sql`SELECT src, med, ${d.uniq(ident('visitor_id'))} AS visitors, count(*) AS sessions FROM (${inner}) AS s GROUP BY src, med`;
  const totals = sql`SELECT ${d.uniq(ident('visitor_id'))} AS visitors FROM events WHERE ${where}`;
  const [rows, [tot]] = await Promise.all([
    events.query<{ src: string; med: string; visitors: number; sessions: number }>(render(q, d).sql, render(q, d).params),
    events.query<{ visitors: number }>(render(totals, d).sql, render(totals, d).params),
  ]);
  const bySource = new Map<string, number>();
  let sessions = 0;
  for (const r of rows) {
    bySource.set(`${r.src ?? ''}\u0000${r.med ?? ''}`, Number(r.visitors));
    sessions += Number(r.sessions);
  }
  return { visitors: Number(tot?.visitors ?? 0), sessions, bySource };
}
