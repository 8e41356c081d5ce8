import { and, bindString, DIMENSION_DEFS, dialectFor, ident, join, render, sql, type Dialect, type Sql } from '../stats';
import { CREDIT_DIMENSIONS, type EventStore } from '../store';
import type { Touchpoint } from './attribution';
import { USER_LINK_PREFIX } from './user-links';

/** A touchpoint with the visitor it belongs to and every session-level dimension of its session. */
export interface Touch extends Touchpoint {
  visitor_id: string;
  dims: Record<(typeof CREDIT_DIMENSIONS)[number], string>;
}

/** Ids per statement (bound values; both engines take lists this long). */
const CHUNK = 2000;
/** Sessions that started just before `fromMs` are read whole: their start is exact. */
const SESSION_SPAN_MS = 86_400_000;

function chunks<T>(list: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

const inList = (column: string, values: readonly string[]): Sql => sql`${ident(column)} IN (${join(values.map((v) => bindString(v)))})`;

async function run<T>(events: EventStore, d: Dialect, q: Sql): Promise<T[]> {
  const { sql: text, params } = render(q, d);
  return events.query<T>(text, params);
}

/**
 * The visitor ids that count as each payer: the payer, and every visitor id of the site that identified as
 * a user id the payer identified as (events carry `user_id`; link facts, revenue/user-links.ts, say so as
 * soon as the identify arrived), so a customer's sessions on other devices or before a cookie reset are
 * touchpoints too.
 */
export async function identityGroups(events: EventStore, siteId: string, payers: readonly string[]): Promise<Map<string, Set<string>>> {
  const d = dialectFor(events.dialect);
  const site = sql`site_id = ${bindString(siteId)}`;
  const groups = new Map(payers.map((p) => [p, new Set([p])]));
  for (const part of chunks(payers)) {
    const users = sql`SELECT user_id FROM events WHERE ${and([site, sql`user_id <> ''`, inList('visitor_id', part)])}`;
    const link = and([site, sql`kind = 'identity'`, sql`txn_key LIKE ${bindString(`${USER_LINK_PREFIX}%`)}`, sql`visitor_id <> ''`]);
    const linked = sql`SELECT txn_key FROM revenue_facts WHERE ${and([link, inList('visitor_id', part)])}`;
    const [byEvents, byLinks] = await Promise.all([
      run<{ v: string; u: string }>(
        events,
        d,
        sql`SELECT DISTINCT visitor_id AS v, user_id AS u FROM events WHERE ${and([site, sql`user_id <> ''`, sql`user_id IN (${users})`])}`,
      ),
      run<{ v: string; u: string }>(
        events,
        d,
        sql`SELECT visitor_id AS v, txn_key AS u FROM revenue_facts WHERE ${and([link, sql`txn_key IN (${linked})`])}`,
      ),
    ]);
    const byUser = new Map<string, Set<string>>();
    const add = (u: string, v: unknown) => byUser.set(u, (byUser.get(u) ?? new Set()).add(String(v)));
    for (const r of byEvents) add(`e:${r.u}`, r.v);
    for (const r of byLinks) add(`l:${r.u}`, r.v);
    const inPart = new Set(part);
    for (const [, visitors] of byUser) for (const v of visitors) if (inPart.has(v)) for (const other of visitors) groups.get(v)!.add(other);
  }
  return groups;
}

/**
 * Touchpoints of payers: every session that started in [fromMs, toMs) of each payer's visitor ids
 * (identityGroups), oldest first, with its start and the session-level dimension values the stats engine
 * gives it (stats/registry.ts: the session's first event; entry and exit page). One statement shape for
 * both engines through the stats dialects.
 */
export async function touchpointsOf(
  events: EventStore,
  siteId: string,
  payers: readonly string[],
  fromMs: number,
  toMs: number,
): Promise<Map<string, Touch[]>> {
  const d = dialectFor(events.dialect);
  const wanted = payers.filter((p) => p !== '');
  const groups = await identityGroups(events, siteId, wanted);
  const visitors = [...new Set([...groups.values()].flatMap((g) => [...g]))];
  const cols = [
    sql`visitor_id AS v`,
    sql`session_id AS s`,
    sql`${d.timestampToMs(sql`min(ts)`)} AS start`,
    ...CREDIT_DIMENSIONS.map((dim) => sql`${DIMENSION_DEFS[dim].session!(d)} AS ${ident(`t_${dim}`)}`),
  ];
  const byVisitor = new Map<string, Touch[]>();
  for (const part of chunks(visitors)) {
    const where = and([
      sql`site_id = ${bindString(siteId)}`,
      sql`ts >= ${d.timestampFromMs(fromMs - SESSION_SPAN_MS)}`,
      sql`ts < ${d.timestampFromMs(toMs)}`,
      inList('visitor_id', part),
    ]);
    const rows = await run<Record<string, unknown>>(
      events,
      d,
      sql`SELECT ${join(cols)} FROM events WHERE ${where} GROUP BY visitor_id, session_id`,
    );
    for (const r of rows) {
      const start = Number(r.start);
      if (start < fromMs) continue;
      const dims = Object.fromEntries(
        CREDIT_DIMENSIONS.map((dim) => [dim, r[`t_${dim}`] == null ? '' : String(r[`t_${dim}`])]),
      ) as Touch['dims'];
      const v = String(r.v);
      const list = byVisitor.get(v) ?? [];
      list.push({
        visitor_id: v,
        session_id: String(r.s),
        start,
        channel: dims.channel,
        source: dims.source,
        medium: dims.medium,
        campaign: dims.campaign,
        landing_page: dims.entry_page,
        dims,
      });
      byVisitor.set(v, list);
    }
  }
  const out = new Map<string, Touch[]>();
  for (const [payer, group] of groups) {
    const list = [...group].flatMap((v) => byVisitor.get(v) ?? []);
    list.sort((a, b) => a.start - b.start || (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0));
    out.set(payer, list);
  }
  return out;
}

/** Visitors and sessions of the period, and visitors per entry source/medium (for the by-source rows). */
export async function trafficOf(
  events: EventStore,
  siteId: string,
  startMs: number,
  endMs: number,
): Promise<{ visitors: number; sessions: number; bySource: Map<string, number> }> {
  const d: Dialect = dialectFor(events.dialect);
  const where = and([
    sql`site_id = ${bindString(siteId)}`,
    sql`ts >= ${d.timestampFromMs(startMs)}`,
    sql`ts < ${d.timestampFromMs(endMs)}`,
  ]);
  const inner = sql`SELECT visitor_id, session_id, ${DIMENSION_DEFS.source.session!(d)} AS src,
    ${DIMENSION_DEFS.medium.session!(d)} AS med FROM events WHERE ${where} GROUP BY visitor_id, session_id`;
  const q = sql`SELECT src, med, ${d.uniq(ident('visitor_id'))} AS visitors, count(*) AS sessions FROM (${inner}) AS s GROUP BY src, med`;
  const totals = sql`SELECT ${d.uniq(ident('visitor_id'))} AS visitors FROM events WHERE ${where}`;
  const [rows, [tot]] = await Promise.all([
    run<{ src: string; med: string; visitors: number; sessions: number }>(events, d, q),
    run<{ visitors: number }>(events, d, totals),
  ]);
  const bySource = new Map<string, number>();
  let sessions = 0;
  for (const r of rows) {
    bySource.set(`${r.src ?? ''}\u0000${r.med ?? ''}`, Number(r.visitors));
    sessions += Number(r.sessions);
  }
  return { visitors: Number(tot?.visitors ?? 0), sessions, bySource };
}

/**
 * Each visitor id's profile id as the People pages name it (stats/people.ts, the person rule): `u` + the
 * latest user id the visitor id carried, else `v` + the visitor id.
 */
export async function profileIdsOf(events: EventStore, siteId: string, visitors: readonly string[]): Promise<Map<string, string>> {
  const out = new Map(visitors.map((v) => [v, `v${v}`]));
  const d = dialectFor(events.dialect);
  for (const part of chunks(visitors)) {
    const where = and([sql`site_id = ${bindString(siteId)}`, sql`user_id <> ''`, inList('visitor_id', part)]);
    const rows = await run<{ v: string; u: string }>(
      events,
      d,
      sql`SELECT visitor_id AS v, ${d.argMaxIf(ident('user_id'), ident('ts'), sql`user_id <> ''`)} AS u FROM events WHERE ${where} GROUP BY visitor_id`,
    );
    for (const r of rows) if (r.u) out.set(String(r.v), `u${r.u}`);
  }
  return out;
}
