import { PASSIVE_EVENT_NAMES, type CanonicalEvent, type FunnelStep } from '@tidemark/core';

/**
 * The funnel definitions of the stats README computed by brute force in plain TypeScript, for the
 * funnel suite to compare the engines with: every start of every entrant is followed step by step.
 */
export interface OracleFunnel {
  steps: FunnelStep[];
  scope: 'session' | 'visitor';
  windowMs: number | null;
}

export interface OracleOptions {
  range: { startMs: number; endMs: number };
  /** Whether a session (all its events) lets its step-1 events start the funnel. */
  sessionOk?: (events: CanonicalEvent[]) => boolean;
  /** The breakdown value of a start. */
  breakdown?: (start: CanonicalEvent, session: CanonicalEvent[]) => string;
}

export interface OracleResult {
  visitors: number[];
  medians: Array<number | null>;
  next: Array<Map<string, number>>;
  byValue: Map<string, number[]>;
  /** Per drop-off (after step 1 … n − 1): the sessions of the leavers' last step events. */
  dropOffSessions: Array<Set<string>>;
}

const DAY = 86_400_000;

function wildcard(p: string): RegExp {
  return new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export function stepMatches(step: FunnelStep, e: CanonicalEvent): boolean {
  if (step.type === 'pageview') {
    if (e.name !== 'page_view') return false;
    if (step.match.url_pattern !== undefined)
      return step.match.url_pattern.includes('*') ? wildcard(step.match.url_pattern).test(e.path) : e.path === step.match.url_pattern;
    return new RegExp(step.match.path_regex as string).test(e.path);
  }
  if (e.name !== step.match.event_name) return false;
  return Object.entries(step.match.event_properties ?? {}).every(([k, v]) => (e.props[k] ?? '') === v);
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) / 2;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return Math.round((s[lo] + (pos - lo) * (s[hi] - s[lo])) * 10) / 10;
}

interface Chain {
  visitor: string;
  session: string;
  times: number[];
  /** The session of each step's event. */
  sessions: string[];
  value: string;
}

export function funnelOracle(all: CanonicalEvent[], f: OracleFunnel, o: OracleOptions): OracleResult {
  const n = f.steps.length;
  const lookahead = f.windowMs ?? DAY;
  const readEnd = o.range.endMs + lookahead;
  const sessions = new Map<string, CanonicalEvent[]>();
  for (const e of all) {
    const k = `${e.visitor_id}|${e.session_id}`;
    if (!sessions.has(k)) sessions.set(k, []);
    sessions.get(k)!.push(e);
  }
  for (const list of sessions.values()) list.sort((a, b) => a.ts - b.ts);
  // Filters see the session within the look-around of a day on each side of the period.
  const sessionOf = (e: CanonicalEvent) =>
    sessions.get(`${e.visitor_id}|${e.session_id}`)!.filter((x) => x.ts >= o.range.startMs - DAY && x.ts < o.range.endMs + DAY);

  const read = all.filter((e) => e.ts >= o.range.startMs && e.ts < readEnd).sort((a, b) => a.ts - b.ts);
  const entrants = new Map<string, CanonicalEvent[]>();
  for (const e of read) {
    const k = f.scope === 'session' ? `${e.visitor_id}|${e.session_id}` : e.visitor_id;
    if (!entrants.has(k)) entrants.set(k, []);
    entrants.get(k)!.push(e);
  }

  const chains = (withValue: boolean): Chain[] => {
    const out: Chain[] = [];
    for (const evs of entrants.values()) {
      for (const s of evs) {
        if (!stepMatches(f.steps[0], s) || s.ts >= o.range.endMs) continue;
        const session = sessionOf(s);
        if (o.sessionOk && !o.sessionOk(session)) continue;
        const times = [s.ts];
        const sessions = [s.session_id];
        for (let k = 1; k < n; k++) {
          const prev = times[k - 1];
          const hit = evs.find((e) => e.ts > prev && stepMatches(f.steps[k], e) && (f.windowMs === null || e.ts <= s.ts + f.windowMs));
          if (!hit) break;
          times.push(hit.ts);
          sessions.push(hit.session_id);
        }
        out.push({
          visitor: s.visitor_id,
          session: s.session_id,
          times,
          sessions,
          value: withValue && o.breakdown ? o.breakdown(s, session) : '',
        });
      }
    }
    // Best per (value, visitor): furthest, then earliest start.
    const best = new Map<string, Chain>();
    for (const c of out) {
      const k = `${c.value}|${c.visitor}`;
      const b = best.get(k);
      if (!b || c.times.length > b.times.length || (c.times.length === b.times.length && c.times[0] < b.times[0])) best.set(k, c);
    }
    return [...best.values()];
  };

  const counts = (cs: Chain[]) => Array.from({ length: n }, (_, i) => cs.filter((c) => c.times.length > i).length);
  const overall = chains(false);
  const medians = Array.from({ length: n }, (_, i) =>
    i === 0 ? null : median(overall.filter((c) => c.times.length > i).map((c) => (c.times[i] - c.times[i - 1]) / 1000)),
  );

  const next = Array.from({ length: n - 1 }, () => new Map<string, number>());
  const dropOffSessions = Array.from({ length: n - 1 }, () => new Set<string>());
  for (const c of overall) {
    const level = c.times.length;
    if (level >= n) continue;
    dropOffSessions[level - 1]!.add(c.sessions[level - 1]!);
    const at = c.times[level - 1];
    const deadline = f.windowMs === null ? readEnd - 1 : c.times[0] + f.windowMs;
    const candidates = read.filter(
      (e) =>
        e.visitor_id === c.visitor &&
        (f.scope === 'visitor' || e.session_id === c.session) &&
        e.ts > at &&
        e.ts <= deadline &&
        (e.name === 'page_view' || !(PASSIVE_EVENT_NAMES as readonly string[]).includes(e.name)),
    );
    const first = candidates[0];
    const label = first ? (first.name === 'page_view' ? first.path : first.name) : '(exit)';
    next[level - 1].set(label, (next[level - 1].get(label) ?? 0) + 1);
  }

  const byValue = new Map<string, number[]>();
  if (o.breakdown) {
    const cs = chains(true);
    for (const value of new Set(cs.map((c) => c.value))) byValue.set(value, counts(cs.filter((c) => c.value === value)));
  }
  return { visitors: counts(overall), medians, next, byValue, dropOffSessions };
}
