import type { GoalDefinition, TriggerCondition } from '@tidemark/core';
import { badRequest, MARKETING_CONSENT_PROP } from '@tidemark/core';
import type { EventStore } from '../store';
import {
  compileLastSeenIn,
  compilePathPattern,
  compileTriggerEvents,
  compileUserVisitors,
  compileVisitorFacts,
  dialectFor,
  localDate,
  pathMatches,
} from '../stats';
import type { Occurrence } from './decide';
import { eventMatches, type EventFacts } from './rules';

const PAGE = 5000;
/**
 * Visitor ids per statement, each bound: every statement scans the site's events once, so as many as the
 * engine takes — ClickHouse's default query size (256 KiB) holds about 2,000, DuckDB has no such limit.
 */
const CHUNK = { duckdb: 50_000, clickhouse: 2000 } as const;
/** At most this many people per pass are judged by an inactivity or score condition (the rest next pass). */
const MAX_CANDIDATES = 5000;
const DAY_MS = 86_400_000;

export interface TriggerRule {
  id: string;
  name: string;
  condition: TriggerCondition;
}

export interface EventRow {
  event_id: string;
  visitor_id: string;
  user_id: string;
  session_id: string;
  ms: number;
  name: string;
  path: string;
  props: Record<string, unknown>;
}

export interface VisitorFacts {
  uid: string;
  lastMs: number;
  /** The latest `tm_marketing` value its events carried, '' when none did. */
  marketing: string;
}

export interface FinderDeps {
  events: Pick<EventStore, 'query' | 'dialect'>;
  /** Score and segment of the given people now (score and segment conditions), as the profile read model gives them. */
  profiles?: (pids: string[]) => Promise<Map<string, { score: number; segment: string | null }>>;
}

export interface Found {
  occurrences: Occurrence[];
  visitors: Map<string, VisitorFacts>;
}

type Site = { id: string; timezone: string; goals?: readonly GoalDefinition[] };

/** A goal's completion as one event (destination and event goals; the others are a session's): its event name and test. */
export function goalMatcher(goals: readonly GoalDefinition[], goalId: string): { name: string; test: (e: EventFacts) => boolean } {
  const g = goals.find((x) => x.id === goalId);
  if (!g) throw badRequest('unknown_goal', 'goal_id: not a goal of this site');
  if (g.type === 'destination') {
    const p = compilePathPattern(g.match, 'goal');
    return { name: 'page_view', test: (e) => e.name === 'page_view' && pathMatches(p, e.path) };
  }
  if (g.type === 'event') {
    const m = g.match;
    return {
      name: m.event_name,
      test: (e) => eventMatches({ name: m.event_name, ...(m.event_properties ? { props: m.event_properties } : {}) }, e),
    };
  }
  throw badRequest('invalid_goal', 'goal_id: only destination and event goals are completed by one event');
}

/** Every occurrence of the triggers' conditions in [fromMs, toMs), oldest first. */
export async function findOccurrences(
  deps: FinderDeps,
  site: Site,
  rules: TriggerRule[],
  span: { fromMs: number; toMs: number },
): Promise<Found> {
  const d = dialectFor(deps.events.dialect);
  const read = async (fromMs: number, toMs: number, names: string[] | null): Promise<EventRow[]> => {
    const out: EventRow[] = [];
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const q = compileTriggerEvents(d, { siteId: site.id, fromMs, toMs, names, limit: PAGE, after });
      const rows = await deps.events.query<Record<string, unknown>>(q.sql, q.params);
      for (const r of rows) out.push(toEvent(r));
      if (rows.length < PAGE) return out;
      const last = out[out.length - 1]!;
      after = { ms: last.ms, id: last.event_id };
    }
  };
  const visitors = new Map<string, VisitorFacts>();
  const learn = async (vids: Iterable<string>) => {
    const missing = [...new Set(vids)].filter((v) => !visitors.has(v));
    const per = CHUNK[deps.events.dialect];
    for (let i = 0; i < missing.length; i += per) {
      const q = compileVisitorFacts(d, site.id, missing.slice(i, i + per), MARKETING_CONSENT_PROP);
      for (const r of await deps.events.query<Record<string, unknown>>(q.sql, q.params))
        visitors.set(String(r.visitor_id), { uid: String(r.uid ?? ''), lastMs: Number(r.last_ms), marketing: String(r.marketing ?? '') });
    }
  };
  const pidOf = (e: { user_id: string; visitor_id: string }) => {
    if (e.user_id) return `u${e.user_id}`;
    const uid = visitors.get(e.visitor_id)?.uid;
    return uid ? `u${uid}` : `v${e.visitor_id}`;
  };
  const occurrences: Occurrence[] = [];
  const fromEvent = (t: TriggerRule, e: EventRow, key: string, at: number, reason: string): Occurrence => ({
    triggerId: t.id,
    pid: pidOf(e),
    key,
    sessionKey: `${e.session_id}|${e.visitor_id}`,
    at,
    visitorId: e.visitor_id,
    reason,
    event: { name: e.name, ts: e.ms, path: e.path || null, props: e.props },
  });

  // Event conditions (and score conditions, judged for the people active in the span).
  const eventRules = rules.filter((r) => r.condition.type === 'event');
  const scoreRules = rules.filter((r) => r.condition.type === 'score_at_least' || r.condition.type === 'segment_is');
  if (eventRules.length || scoreRules.length) {
    const names = scoreRules.length ? null : [...new Set(eventRules.map((r) => (r.condition as { event: { name: string } }).event.name))];
    const rows = await read(span.fromMs, span.toMs, names);
    await learn(rows.filter((r) => !r.user_id).map((r) => r.visitor_id));
    for (const t of eventRules) {
      const m = (t.condition as Extract<TriggerCondition, { type: 'event' }>).event;
      for (const e of rows)
        if (eventMatches(m, e)) occurrences.push(fromEvent(t, e, e.event_id, e.ms, `${e.name}${e.path ? ` ${e.path}` : ''}`));
    }
    if (scoreRules.length && deps.profiles) {
      const lastOf = new Map<string, EventRow>();
      for (const e of rows) lastOf.set(pidOf(e), e);
      const pids = [...lastOf.keys()].slice(0, MAX_CANDIDATES);
      const profiles = await deps.profiles(pids);
      for (const t of scoreRules) {
        const c = t.condition;
        for (const pid of pids) {
          const p = profiles.get(pid);
          const e = lastOf.get(pid)!;
          const day = localDate(e.ms, site.timezone);
          if (!p) continue;
          if (c.type === 'score_at_least' && p.score >= c.score)
            occurrences.push(fromEvent(t, e, `score:${day}`, e.ms, `score ${p.score} ≥ ${c.score}`));
          if (c.type === 'segment_is' && p.segment === c.segment_id)
            occurrences.push(fromEvent(t, e, `segment:${c.segment_id}:${day}`, e.ms, `in segment ${c.segment_id}`));
        }
      }
    }
  }

  // Goal not completed within T after an event: the events of [from − T, to − T), then their people's completions.
  for (const t of rules) {
    if (t.condition.type !== 'goal_not_completed') continue;
    const c = t.condition;
    const windowMs = c.within_minutes * 60_000;
    const completes = goalMatcher(site.goals ?? [], c.goal_id);
    const starts = (await read(span.fromMs - windowMs, span.toMs - windowMs, [c.after.name])).filter((e) => eventMatches(c.after, e));
    if (!starts.length) continue;
    await learn(starts.filter((r) => !r.user_id).map((r) => r.visitor_id));
    const done = (await read(span.fromMs - windowMs, span.toMs, [completes.name])).filter((e) => completes.test(e));
    await learn(done.filter((r) => !r.user_id).map((r) => r.visitor_id));
    const completions = new Map<string, number[]>();
    for (const e of done) {
      const pid = pidOf(e);
      completions.set(pid, [...(completions.get(pid) ?? []), e.ms]);
    }
    for (const e of starts) {
      const pid = pidOf(e);
      const end = e.ms + windowMs;
      if ((completions.get(pid) ?? []).some((ms) => ms >= e.ms && ms <= end)) continue;
      occurrences.push(fromEvent(t, e, e.event_id, end, `${e.name} without the goal within ${c.within_minutes} min`));
    }
  }

  // Inactive N days: people whose last event (on any of their visitor ids) is N days before a time in the span.
  for (const t of rules) {
    if (t.condition.type !== 'inactive') continue;
    const gap = t.condition.days * DAY_MS;
    const q = compileLastSeenIn(d, site.id, span.fromMs - gap, span.toMs - gap, MAX_CANDIDATES);
    const cands = (await deps.events.query<Record<string, unknown>>(q.sql, q.params)).map((r) => String(r.visitor_id));
    await learn(cands);
    const uids = [...new Set(cands.map((v) => visitors.get(v)?.uid ?? '').filter(Boolean))];
    const byUser = new Map<string, string[]>();
    for (let i = 0; i < uids.length; i += CHUNK[deps.events.dialect]) {
      const uq = compileUserVisitors(d, site.id, uids.slice(i, i + CHUNK[deps.events.dialect]));
      for (const r of await deps.events.query<Record<string, unknown>>(uq.sql, uq.params)) {
        const u = String(r.user_id);
        byUser.set(u, [...(byUser.get(u) ?? []), String(r.visitor_id)]);
      }
    }
    await learn([...byUser.values()].flat());
    const people = new Map<string, { last: number; vid: string }>();
    for (const v of [...cands, ...[...byUser.values()].flat()]) {
      const f = visitors.get(v);
      if (!f) continue;
      const pid = f.uid ? `u${f.uid}` : `v${v}`;
      const seen = people.get(pid);
      if (!seen || f.lastMs > seen.last) people.set(pid, { last: f.lastMs, vid: v });
    }
    for (const [pid, p] of people) {
      const at = p.last + gap;
      if (at < span.fromMs || at >= span.toMs) continue;
      const key = `inactive:${p.last}`;
      occurrences.push({
        triggerId: t.id,
        pid,
        key,
        sessionKey: key,
        at,
        visitorId: p.vid,
        reason: `inactive ${t.condition.days} days`,
        event: null,
      });
    }
  }
  occurrences.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await learn(occurrences.map((o) => o.visitorId));
  return { occurrences, visitors };
}

function toEvent(r: Record<string, unknown>): EventRow {
  let props: Record<string, unknown> = {};
  const text = r.props;
  if (text && typeof text === 'object') props = text as Record<string, unknown>;
  else if (typeof text === 'string' && text) {
    try {
      const o = JSON.parse(text) as unknown;
      if (o && typeof o === 'object' && !Array.isArray(o)) props = o as Record<string, unknown>;
    } catch {
      // not JSON: no properties
    }
  }
  return {
    event_id: String(r.event_id),
    visitor_id: String(r.visitor_id ?? ''),
    user_id: String(r.user_id ?? ''),
    session_id: String(r.session_id ?? ''),
    ms: Number(r.ms),
    name: String(r.name ?? ''),
    path: String(r.path ?? ''),
    props,
  };
}
