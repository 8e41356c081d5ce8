import type { RealtimeSnapshot } from '@tidemark/core';
import type { Dialect } from './dialect';
import { bindString, ident, keyword, render, sql, type CompiledSql } from './sql';

/**
 * Realtime (InsightHub PRD §7.2.4): visitors active in the last five minutes, what they are looking
 * at, and where they came from. A session is active when it has an event in the window; its page
 * count and time on site cover its whole history (looked up to a day back).
 */

export const ACTIVE_WINDOW_MS = 5 * 60_000;
const HISTORY_MS = 24 * 3_600_000;
export const REALTIME_LIST_LIMIT = 100;
export const REALTIME_TOP_LIMIT = 10;

export type { ActiveVisitor, RealtimeSnapshot } from '@tidemark/core';

export function compileRealtime(d: Dialect, siteId: string, nowMs: number): CompiledSql {
  const ts = ident('ts');
  const TRUE = keyword('TRUE');
  const site = sql`site_id = ${bindString(siteId)}`;
  const active = sql`SELECT DISTINCT session_id FROM events WHERE ${site} AND ${ts} >= ${d.timestampFromMs(nowMs - ACTIVE_WINDOW_MS)} AND ${ts} <= ${d.timestampFromMs(nowMs)}`;
  const q = sql`SELECT visitor_id, session_id,
 ${d.argMaxIf(ident('path'), ts, sql`name = 'page_view'`)} AS current_page,
 ${d.argMinIf(ident('country'), ts, TRUE)} AS country,
 ${d.argMinIf(ident('device_type'), ts, TRUE)} AS device,
 ${d.argMinIf(ident('source'), ts, TRUE)} AS source,
 ${d.countIf(sql`name = 'page_view'`)} AS pages_viewed,
 ${d.timestampToMs(sql`min(ts)`)} AS started_ms,
 ${d.timestampToMs(sql`max(ts)`)} AS last_ms
 FROM events WHERE ${site} AND ${ts} >= ${d.timestampFromMs(nowMs - HISTORY_MS)} AND ${ts} <= ${d.timestampFromMs(nowMs)}
 AND session_id IN (${active})
 GROUP BY visitor_id, session_id`;
  return render(q, d);
}

interface SessionRow {
  visitor_id: string;
  current_page: string;
  country: string;
  device: string;
  source: string;
  pages_viewed: number;
  started_ms: number;
  last_ms: number;
}

/** One entry per visitor (their most recent session), newest activity first. */
export function shapeRealtime(rows: Record<string, unknown>[], nowMs: number): RealtimeSnapshot {
  const latest = new Map<string, SessionRow>();
  for (const r of rows) {
    const row: SessionRow = {
      visitor_id: String(r.visitor_id ?? ''),
      current_page: String(r.current_page ?? ''),
      country: String(r.country ?? ''),
      device: String(r.device ?? ''),
      source: String(r.source ?? ''),
      pages_viewed: Number(r.pages_viewed ?? 0),
      started_ms: Number(r.started_ms),
      last_ms: Number(r.last_ms),
    };
    const prev = latest.get(row.visitor_id);
    if (!prev || row.last_ms > prev.last_ms) latest.set(row.visitor_id, row);
  }
  const sessions = [...latest.values()].sort((a, b) => b.last_ms - a.last_ms || a.visitor_id.localeCompare(b.visitor_id));
  return {
    active_visitors: sessions.length,
    visitors_list: sessions.slice(0, REALTIME_LIST_LIMIT).map((s) => ({
      visitor_id: s.visitor_id,
      current_page: s.current_page,
      country: s.country,
      device: s.device,
      source: s.source,
      pages_viewed: s.pages_viewed,
      time_on_site: Math.max(0, Math.floor((nowMs - s.started_ms) / 1000)),
    })),
    top_pages: top(sessions.map((s) => s.current_page)).map(([path, visitors]) => ({ path, visitors })),
    top_sources: top(sessions.map((s) => s.source)).map(([source, visitors]) => ({ source, visitors })),
    at: new Date(nowMs).toISOString(),
  };
}

function top(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, REALTIME_TOP_LIMIT);
}
