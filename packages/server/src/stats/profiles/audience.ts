import type { FilterNode, GoalDefinition, Period, Query } from '@tidemark/core';
import type { Reader } from '../cache';
import { matchingSessions } from '../compile';
import { planQuery } from '../run';
import type { Dialect } from '../dialect';
import { bindString, join, type Sql } from '../sql';
import {
  changedPeople,
  compileExistingPeople,
  compileVisitorIdsOfUser,
  compileIdentifies,
  compilePeopleOf,
  compileProfileList,
} from './compile';
import { featuresOf, num, PIDS_PER_STATEMENT, str, type ProfileScorer } from './features';

/**
 * The profile read model's rows for audiences (audiences/): the people matching stats filters over a
 * period, each with what profile predicates look at, over everyone or only the people that may have
 * changed. The same statements as the profile list, so an audience and the People page agree.
 */
export interface AudienceRowsRequest {
  filters: FilterNode[];
  period: Period;
  /** Only people with an event received since then, plus `alsoPids`; null: everyone. */
  changedSinceMs: number | null;
  alsoPids: readonly string[];
}

export interface AudienceRow {
  pid: string;
  user_id: string | null;
  last_seen: number;
  revenue: number;
  score: number;
  /** The profile's segment id when the scorer names one (segments/ wraps the site's scorer). */
  segment: string | null;
  /** Latest value per trait key (identify events, as the profile shows them). */
  traits: Record<string, string>;
}

export interface AudienceRows {
  /** The people looked at (null: everyone); a candidate without a row does not match. */
  candidates: string[] | null;
  rows: AudienceRow[];
}

type Row = Record<string, unknown>;

export async function runAudienceRows(
  reader: Reader,
  d: Dialect,
  site: { id: string; timezone: string; goals?: readonly GoalDefinition[] },
  req: AudienceRowsRequest,
  nowMs: number,
  scorer: ProfileScorer,
): Promise<AudienceRows> {
  let restrict: Sql | null = null;
  let candidates: string[] | null = null;
  if (req.changedSinceMs !== null) {
    const changed = changedPeople(d, site.id, req.changedSinceMs);
    const people = compilePeopleOf(d, changed);
    const found = (await reader.query<Row>(people.sql, people.params)).map((r) => str(r.pid));
    candidates = [...new Set([...found, ...req.alsoPids])];
    if (!candidates.length) return { candidates, rows: [] };
    restrict = join(candidates.map((p) => bindString(p)));
  }
  const sessions = req.filters.length ? filteredSessions(d, site, req.filters, req.period, nowMs) : null;
  const list = compileProfileList(d, { siteId: site.id, search: null, sort: 'score', limit: 0, offset: 0, sessions, scorer, restrict });
  const ids = compileIdentifies(d, site.id, restrict);
  const [rows, identifies] = await Promise.all([reader.query<Row>(list.sql, list.params), reader.query<Row>(ids.sql, ids.params)]);
  const traits = new Map<string, Record<string, string>>();
  for (const r of identifies) {
    const pid = str(r.pid);
    const t = traits.get(pid) ?? {};
    try {
      for (const [k, v] of Object.entries(JSON.parse(str(r.props) || '{}') as Record<string, unknown>))
        if (k !== 'user_id' && v !== null && v !== undefined) t[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } catch {
      // A props value that is not JSON gives no traits.
    }
    traits.set(pid, t);
  }
  return {
    candidates,
    rows: rows.map((r) => {
      const pid = str(r.pid);
      const base = { pid, last_ms: num(r.last_ms), sessions: num(r.n_sessions), pageviews: num(r.n_pageviews) };
      const scale = num(r.rev_scale);
      const scored = scorer.score(featuresOf(scorer, r, base)) as { score: number; segment?: { id: string } | null };
      return {
        pid,
        user_id: pid.startsWith('u') ? pid.slice(1) : null,
        last_seen: base.last_ms,
        revenue: scale ? num(r.rev_minor) / scale : 0,
        score: scored.score,
        segment: scored.segment?.id ?? null,
        traits: traits.get(pid) ?? {},
      };
    }),
  };
}

/** Which of `pids` still have events on the site. */
export async function runExistingPeople(reader: Reader, d: Dialect, siteId: string, pids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < pids.length; i += PIDS_PER_STATEMENT) {
    const c = compileExistingPeople(d, siteId, pids.slice(i, i + PIDS_PER_STATEMENT) as string[]);
    for (const r of await reader.query<Row>(c.sql, c.params)) out.add(str(r.pid));
  }
  return out;
}

function filteredSessions(
  d: Dialect,
  site: { id: string; timezone: string; goals?: readonly GoalDefinition[] },
  filters: FilterNode[],
  period: Period,
  nowMs: number,
) {
  const query = { site_id: site.id, date_range: period, metrics: ['visitors'], dimensions: [], filters, limit: 1, offset: 0 } as Query;
  return matchingSessions(planQuery(query, { defaultTimezone: site.timezone, nowMs, goals: site.goals ?? [] }), d);
}

export async function runVisitorIdsOfUser(reader: Reader, d: Dialect, siteId: string, userId: string): Promise<string[]> {
  const c = compileVisitorIdsOfUser(d, siteId, userId);
  return (await reader.query<Row>(c.sql, c.params)).map((r) => str(r.visitor_id));
}
