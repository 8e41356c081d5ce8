import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { memberRows } from '../people';
import { bindInt, bindString, ident, join, render, sql, type CompiledSql } from '../sql';
import { sessionKey } from './compile';
import { featureColumns, featuresOf, type PersonFeatures, type ProfileScorer, num } from './features';

/**
 * Every person of a site (the person rule, people.ts, over its whole history) with their visitor ids, the
 * scorer's features and their last-touch revenue: what segments/ trains on and the labels job writes.
 * With `sinceMs`, only people with an event received at or after it (the labels job's increment).
 */
export interface PersonFeatureRow {
  pid: string;
  visitor_ids: string[];
  features: PersonFeatures;
  /** Last-touch credited revenue of the person's payer visitor ids, in the reporting currency's major units. */
  revenue: number;
}

const COLS = [
  'visitor_id',
  'user_id',
  'session_id',
  'ts',
  'received_at',
  'name',
  'path',
  'props',
  'engaged_ms',
  'scroll_depth',
  'channel',
  'device_type',
];

/**
 * Per person: the scorer's features over all their events, sessions counted as the profile counts them (a
 * session id within a visitor id); per person and visitor id: the last event (`visitors`).
 */
export function compilePeopleFeatures(
  d: Dialect,
  siteId: string,
  scorer: ProfileScorer,
  sinceMs: number | null,
): { people: CompiledSql; visitors: CompiledSql } {
  const cols = join(COLS.map((c) => ident(c)));
  const { rows, member } = memberRows(d, cols, sql`site_id = ${bindString(siteId)}`, true);
  const person = sql`(SELECT ${cols}, ${member} AS pid, ${d.timestampToMs(ident('ts'))} AS ms, ${d.timestampToMs(ident('received_at'))} AS rms FROM (${rows}) AS pr) AS p`;
  const recent = sinceMs === null ? sql`` : sql` WHERE pid IN (SELECT pid FROM ${person} WHERE rms >= ${bindInt(sinceMs)})`;
  return {
    people: render(
      sql`SELECT pid, max(ms) AS last_ms, ${d.countIf(sql`name = 'page_view'`)} AS n_pageviews, ${d.uniq(sessionKey(d))} AS n_sessions,
        ${join(featureColumns(d, scorer))} FROM ${person}${recent} GROUP BY pid ORDER BY pid`,
      d,
    ),
    visitors: render(
      sql`SELECT pid, visitor_id, max(ms) AS last_ms FROM ${person}${recent} GROUP BY pid, visitor_id ORDER BY pid, visitor_id`,
      d,
    ),
  };
}

/** Last-touch credits (revenue/credits.ts) per payer visitor id: minor units and their scale. */
export function compilePayerRevenue(siteId: string, d: Dialect): CompiledSql {
  return render(
    sql`SELECT payer, sum(credit) AS minor, max(scale) AS scale FROM revenue_credits
      WHERE site_id = ${bindString(siteId)} AND model = 'last_touch' AND kind IN ('payment', 'refund') AND payer <> '' GROUP BY payer`,
    d,
  );
}

type Row = Record<string, unknown>;

export async function runPeopleFeatures(
  reader: Reader,
  d: Dialect,
  siteId: string,
  scorer: ProfileScorer,
  sinceMs: number | null,
): Promise<PersonFeatureRow[]> {
  const f = compilePeopleFeatures(d, siteId, scorer, sinceMs);
  const r = compilePayerRevenue(siteId, d);
  const [people, rows, payers] = await Promise.all([
    reader.query<Row>(f.people.sql, f.people.params),
    reader.query<Row>(f.visitors.sql, f.visitors.params),
    reader.query<Row>(r.sql, r.params),
  ]);
  const byPid = new Map<string, Row[]>();
  for (const row of rows) {
    const pid = String(row.pid);
    const list = byPid.get(pid) ?? [];
    list.push(row);
    byPid.set(pid, list);
  }
  // A payer's revenue goes to the person whose rows of that visitor id are the latest (its latest user id, as
  // the profile read model's personRevenue), so a visitor id's revenue is counted once.
  const owner = new Map<string, { pid: string; last: number }>();
  for (const row of rows) {
    const vid = String(row.visitor_id);
    const cur = owner.get(vid);
    if (!cur || num(row.last_ms) > cur.last) owner.set(vid, { pid: String(row.pid), last: num(row.last_ms) });
  }
  const revenue = new Map<string, number>();
  for (const p of payers) {
    const o = owner.get(String(p.payer));
    if (o && num(p.scale)) revenue.set(o.pid, (revenue.get(o.pid) ?? 0) + num(p.minor) / num(p.scale));
  }
  return people.map((p) => {
    const pid = String(p.pid);
    const base = { pid, last_ms: num(p.last_ms), sessions: num(p.n_sessions), pageviews: num(p.n_pageviews) };
    return {
      pid,
      visitor_ids: (byPid.get(pid) ?? []).map((x) => String(x.visitor_id)),
      features: featuresOf(scorer, p, base),
      revenue: revenue.get(pid) ?? 0,
    };
  });
}
