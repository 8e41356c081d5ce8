import {
  notFound,
  shownTrait,
  type GoalDefinition,
  type Profile,
  type ProfileList,
  type ProfileMerge,
  type ProfileTimeline,
  type ProfileTrait,
  type FilterNode,
  type Query,
} from '@tidemark/core';
import type { Reader } from '../cache';
import { matchingSessions } from '../compile';
import { planQuery } from '../run';
import type { Dialect } from '../dialect';
import {
  compileProfileCount,
  compileProfileEvents,
  compileProfileFeatures,
  compileProfileList,
  compileProfileMerges,
  compileProfileRecordings,
  compileProfileRevenue,
  compileProfileSessions,
  compileProfileVisitors,
} from './compile';
import { featuresOf, type ProfileScorer, num, str } from './features';
import { parseProfileId, parseProfileListParams, parseProfileTimelineParams } from './params';

type Row = Record<string, unknown>;
/** Filled in by the route from the site's lifetime model (lifetime/); not eligible until then. */
const NO_LIFETIME = { p_active_30d: null, churn_risk: false, expected_ltv: null };
const userOf = (pid: string) => (pid.startsWith('u') ? pid.slice(1) : null);

function props(text: unknown): Record<string, string> {
  try {
    const o = JSON.parse(str(text) || '{}') as Record<string, unknown>;
    // Hashed traits (ingest/steps/traits.ts) are shown masked.
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? shownTrait(v) : JSON.stringify(v)]));
  } catch {
    return {};
  }
}

export async function runProfileList(
  reader: Reader,
  d: Dialect,
  site: { id: string; timezone: string; goals?: readonly GoalDefinition[] },
  params: unknown,
  nowMs: number,
  scorer: ProfileScorer,
): Promise<ProfileList> {
  const { filters, dateRange, ...p } = parseProfileListParams(params);
  const q = { siteId: site.id, scorer, ...p, sessions: filters.length ? filteredSessions(d, site, filters, dateRange, nowMs) : null };
  const list = compileProfileList(d, q);
  const count = compileProfileCount(d, q);
  // The score order reads every matching profile, so it counts them too.
  const [rows, total] = await Promise.all([
    reader.query<Row>(list.sql, list.params),
    q.sort === 'score' ? null : reader.query<Row>(count.sql, count.params),
  ]);
  const profiles = rows.map((r) => {
    const base = { pid: str(r.pid), last_ms: num(r.last_ms), sessions: num(r.n_sessions), pageviews: num(r.n_pageviews) };
    return {
      id: base.pid,
      user_id: userOf(base.pid),
      first_seen: num(r.first_ms),
      last_seen: base.last_ms,
      sessions: base.sessions,
      pageviews: base.pageviews,
      events: num(r.n_events),
      visitor_ids: num(r.n_vids),
      ...revenueOf(r),
      // A scorer may name the profile's segment too (segments/ wraps the site's scorer).
      segment: null,
      ...scorer.score(featuresOf(scorer, r, base)),
      ...NO_LIFETIME,
    };
  });
  // The score order: every matching profile was read (already newest first), so a stable sort pages it.
  const shown = q.sort === 'score' ? profiles.sort((a, b) => b.score - a.score).slice(q.offset, q.offset + q.limit) : profiles;
  return {
    profiles: shown,
    total: total ? num(total[0]?.n) : rows.length,
    limit: q.limit,
    offset: q.offset,
  };
}

/** The sessions of the period matching stats filters (the stats engine's rule, compile.ts matchingSessions). */
function filteredSessions(
  d: Dialect,
  site: { id: string; timezone: string; goals?: readonly GoalDefinition[] },
  filters: FilterNode[],
  dateRange: Query['date_range'],
  nowMs: number,
) {
  const query = { site_id: site.id, date_range: dateRange, metrics: ['visitors'], dimensions: [], filters, limit: 1, offset: 0 } as Query;
  return matchingSessions(planQuery(query, { defaultTimezone: site.timezone, nowMs, goals: site.goals ?? [] }), d);
}

/** Revenue columns (compile.ts personRevenue) as the profile's revenue in major units. */
function revenueOf(r: Row | undefined): { revenue: number; transactions: number; currency: string | null } {
  const scale = num(r?.rev_scale);
  const conv = str(r?.rev_conv);
  return {
    revenue: scale ? num(r?.rev_minor) / scale : 0,
    transactions: num(r?.n_txns),
    // conv is "<currency>|<rates fingerprint>" (revenue/credits.ts).
    currency: conv ? conv.split('|')[0]! : null,
  };
}

/**
 * Merges from the (visitor id, user id) pairs, oldest first: a pair whose visitor id carried another
 * user id before is a re-identification.
 */
export function mergesOf(pairs: { visitor_id: string; user_id: string; at: number }[]): ProfileMerge[] {
  const last = new Map<string, string>();
  return pairs.map((p) => {
    const previous = last.get(p.visitor_id) ?? null;
    last.set(p.visitor_id, p.user_id);
    return { ...p, previous_user_id: previous };
  });
}

/**
 * Traits from the identify events in time order (user_id itself is the profile's id, not a trait):
 * per key the latest value, and the time of the identify event from which it has held that value.
 */
export function traitsOf(identifies: { ms: number; props: Record<string, string> }[]): ProfileTrait[] {
  const out = new Map<string, ProfileTrait>();
  for (const e of identifies)
    for (const [key, value] of Object.entries(e.props)) {
      if (key === 'user_id') continue;
      const cur = out.get(key);
      if (!cur || cur.value !== value) out.set(key, { key, value, changed_at: e.ms });
    }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function countBy<T extends Row>(rows: T[], cols: string[]): Array<Record<string, string> & { sessions: number }> {
  const m = new Map<string, Record<string, string> & { sessions: number }>();
  for (const r of rows) {
    const key = JSON.stringify(cols.map((c) => str(r[c])));
    const cur = m.get(key) ?? Object.assign(Object.fromEntries(cols.map((c) => [c, str(r[c])])), { sessions: 0 });
    cur.sessions += 1;
    m.set(key, cur);
  }
  return [...m.values()].sort((a, b) => b.sessions - a.sessions || (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

export async function runProfile(
  reader: Reader,
  d: Dialect,
  site: { id: string; goals?: readonly GoalDefinition[] },
  rawPid: unknown,
  scorer: ProfileScorer,
): Promise<Profile> {
  const pid = parseProfileId(rawPid);
  const siteId = site.id;
  const goals = site.goals ?? [];
  const v = compileProfileVisitors(d, siteId, pid);
  const f = compileProfileFeatures(d, siteId, pid, scorer);
  const s = compileProfileSessions(d, siteId, pid, undefined, goals);
  const e = compileProfileEvents(d, siteId, pid, { identify: true });
  const m = compileProfileMerges(d, siteId, pid);
  const r = compileProfileRevenue(d, siteId, pid);
  const rec = compileProfileRecordings(d, siteId, pid);
  const [visitors, features, sessions, identifies, pairs, revenue, recordings] = await Promise.all([
    reader.query<Row>(v.sql, v.params),
    reader.query<Row>(f.sql, f.params),
    reader.query<Row>(s.sql, s.params),
    reader.query<Row>(e.sql, e.params),
    reader.query<Row>(m.sql, m.params),
    reader.query<Row>(r.sql, r.params),
    reader.query<Row>(rec.sql, rec.params),
  ]);
  if (!visitors.length) throw notFound('Profile');
  const devices = countBy(sessions, ['device_type', 'browser', 'os']).map(({ device_type, browser, os, sessions }) => ({
    device: device_type!,
    browser: browser!,
    os: os!,
    sessions,
  }));
  const locations = countBy(sessions, ['country', 'region', 'city']).map(({ country, region, city, sessions }) => ({
    country: country!,
    region: region!,
    city: city!,
    sessions,
  }));
  const last_ms = Math.max(...visitors.map((r) => num(r.last_ms)));
  const pageviews = visitors.reduce((a, r) => a + num(r.n_pageviews), 0);
  return {
    id: pid,
    user_id: userOf(pid),
    first_seen: Math.min(...visitors.map((r) => num(r.first_ms))),
    last_seen: last_ms,
    sessions: sessions.length,
    pageviews,
    events: visitors.reduce((a, r) => a + num(r.n_events), 0),
    visitor_ids: visitors.length,
    ...revenueOf(revenue[0]),
    segment: null,
    ...scorer.score(featuresOf(scorer, features[0] ?? {}, { pid, last_ms, sessions: sessions.length, pageviews })),
    ...NO_LIFETIME,
    traits: traitsOf(identifies.map((r) => ({ ms: num(r.ms), props: props(r.props) }))),
    merged_visitor_ids: visitors.map((r) => ({
      visitor_id: str(r.visitor_id),
      first_seen: num(r.first_ms),
      last_seen: num(r.last_ms),
      identified_at: r.identified_ms === null || r.identified_ms === undefined ? null : num(r.identified_ms),
    })),
    merges: mergesOf(pairs.map((p) => ({ visitor_id: str(p.visitor_id), user_id: str(p.user_id), at: num(p.at_ms) }))),
    recordings: recordings.map((x) => ({ visitor_id: str(x.visitor_id), recordings: num(x.n) })),
    devices,
    locations,
    goals: goals.map((g, i) => ({ id: g.id, name: g.name, sessions: sessions.filter((r) => num(r[`g_${i}`]) > 0).length })),
    // Sessions come newest first.
    first_source: str(sessions[sessions.length - 1]?.source),
    last_source: str(sessions[0]?.source),
  };
}

export async function runProfileTimeline(
  reader: Reader,
  d: Dialect,
  siteId: string,
  rawPid: unknown,
  params: unknown,
): Promise<ProfileTimeline> {
  const pid = parseProfileId(rawPid);
  const page = parseProfileTimelineParams(params);
  const all = compileProfileSessions(d, siteId, pid);
  const sessions = await reader.query<Row>(all.sql, all.params);
  if (!sessions.length) throw notFound('Profile');
  const shown = sessions.slice(page.offset, page.offset + page.limit);
  const events = shown.length
    ? await (async () => {
        const c = compileProfileEvents(d, siteId, pid, { sessions: [...new Set(shown.map((r) => str(r.session_id)))] });
        return reader.query<Row>(c.sql, c.params);
      })()
    : [];
  return {
    sessions: shown.map((r) => ({
      session_id: str(r.session_id),
      visitor_id: str(r.visitor_id),
      start: num(r.start_ms),
      end: num(r.end_ms),
      source: str(r.source),
      events: events
        .filter((e) => e.session_id === r.session_id && e.visitor_id === r.visitor_id)
        .map((e) => ({ ts: num(e.ms), name: str(e.name), path: str(e.path), props: props(e.props) })),
    })),
    total: sessions.length,
    limit: page.limit,
    offset: page.offset,
  };
}
