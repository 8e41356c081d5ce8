import type { Dialect } from './dialect';
import { bindInt, bindString, ident, join, render, sql, type CompiledSql } from './sql';

/**
 * Statements the trigger evaluation (triggers/) reads events with, on every engine: a page of a site's
 * events in a time span (oldest first, keyset-paged on (ts, event_id)), and per visitor id what the
 * person rule (people.ts) and the consent check need.
 */

export interface TriggerEventsPage {
  siteId: string;
  fromMs: number;
  toMs: number;
  /** Only events with these names (null: every name). */
  names: readonly string[] | null;
  limit: number;
  after: { ms: number; id: string } | null;
}

/** event_id, visitor_id, user_id, session_id, ms, name, path, props (text); limit rows at most. */
export function compileTriggerEvents(d: Dialect, q: TriggerEventsPage): CompiledSql {
  const ts = ident('ts');
  const id = d.toText(ident('event_id'));
  const where = [
    sql`site_id = ${bindString(q.siteId)}`,
    sql`${ts} >= ${d.timestampFromMs(q.fromMs)}`,
    sql`${ts} < ${d.timestampFromMs(q.toMs)}`,
  ];
  if (q.names) where.push(q.names.length ? sql`name IN (${join(q.names.map((n) => bindString(n)))})` : sql`1 = 0`);
  if (q.after) {
    where.push(
      sql`(${ts} > ${d.timestampFromMs(q.after.ms)} OR (${ts} = ${d.timestampFromMs(q.after.ms)} AND ${id} > ${bindString(q.after.id)}))`,
    );
  }
  return render(
    sql`SELECT ${id} AS event_id, visitor_id, user_id, session_id, ${d.timestampToMs(ts)} AS ms, name, path, ${d.toText(ident('props'))} AS props
      FROM events WHERE ${join(where, ' AND ')} ORDER BY ts ASC, ${id} ASC LIMIT ${bindInt(q.limit)}`,
    d,
  );
}

/**
 * Per visitor id of `visitorIds`: the latest user id it carried (uid, '' if none: the person rule), its
 * last event (last_ms), and the latest value of the `marketing` consent marker its events carried
 * (`consentProp`, '' when none did).
 */
export function compileVisitorFacts(d: Dialect, siteId: string, visitorIds: readonly string[], consentProp: string): CompiledSql {
  const marker = d.propertyValue(ident('props'), consentProp);
  const ids = visitorIds.length ? join(visitorIds.map((v) => bindString(v))) : bindString('');
  return render(
    sql`SELECT visitor_id, ${d.argMaxIf(ident('user_id'), ident('ts'), sql`user_id <> ''`)} AS uid, ${d.timestampToMs(sql`max(ts)`)} AS last_ms,
      ${d.argMaxIf(marker, ident('ts'), sql`${marker} <> ''`)} AS marketing
      FROM events WHERE site_id = ${bindString(siteId)} AND visitor_id IN (${ids}) GROUP BY visitor_id`,
    d,
  );
}

/** Visitor ids that carried any of `userIds` (the other devices of identified people). */
export function compileUserVisitors(d: Dialect, siteId: string, userIds: readonly string[]): CompiledSql {
  const ids = userIds.length ? join(userIds.map((v) => bindString(v))) : bindString('');
  return render(sql`SELECT DISTINCT visitor_id, user_id FROM events WHERE site_id = ${bindString(siteId)} AND user_id IN (${ids})`, d);
}

/** Visitor ids whose last event before `toMs` falls in [fromMs, toMs) (candidates for inactivity). */
export function compileLastSeenIn(d: Dialect, siteId: string, fromMs: number, toMs: number, limit: number): CompiledSql {
  return render(
    sql`SELECT visitor_id, ${d.timestampToMs(sql`max(ts)`)} AS last_ms FROM events
      WHERE site_id = ${bindString(siteId)} AND ts >= ${d.timestampFromMs(fromMs)} AND ts < ${d.timestampFromMs(toMs)}
      GROUP BY visitor_id ORDER BY visitor_id LIMIT ${bindInt(limit)}`,
    d,
  );
}
