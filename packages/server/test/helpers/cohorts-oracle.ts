import type { CanonicalEvent, GoalDefinition } from '@tidemark/core';

/**
 * Cohort grids computed the plain way from the events (docs/cohorts.md), with local dates from Intl:
 * members (visitor ids, or people: a visitor id that identified belongs to its latest user id), their
 * first event in the read range, the period of each event, cohorts and per-offset counts.
 */
export interface CohortOracleOptions {
  timezone: string;
  interval: 'day' | 'week' | 'month';
  periods: number;
  /** trait:<key>: by the latest non-empty value of the key among the member's identify events read. */
  by: 'first_visit' | 'source' | 'landing_page' | `trait:${string}`;
  people: boolean;
  goal: GoalDefinition | null;
  startMs: number;
  endMs: number;
  nowMs: number;
  /** Payments (minor units) of visitor ids: with them each cohort gets `revenue` per offset. */
  payments?: Array<{ visitor: string; ts: number; amount: number }>;
}

const DAY = 86_400_000;

function localDay(ms: number, tz: string): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  return f.format(new Date(ms));
}

function bucket(day: string, interval: CohortOracleOptions['interval']): string {
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY).toISOString().slice(0, 10);
}

function offset(a: string, b: string, interval: CohortOracleOptions['interval']): number {
  if (interval === 'month') return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
  const days = Math.round((Date.parse(b) - Date.parse(a)) / DAY);
  return interval === 'week' ? Math.floor(days / 7) : days;
}

function completes(e: CanonicalEvent, g: GoalDefinition | null): boolean {
  if (!g) return false;
  if (g.type === 'event') return e.name === g.match.event_name;
  if (g.type === 'destination') return e.name === 'page_view' && e.path === g.match.path;
  return false;
}

export interface OracleCohort {
  cohort: string;
  size: number;
  converted: number;
  active: number[];
  conversions: number[];
  revenue?: number[];
}

export function cohortOracle(all: CanonicalEvent[], o: CohortOracleOptions): OracleCohort[] {
  const events = [...all].sort((a, b) => a.ts - b.ts);
  const latestUser = new Map<string, string>();
  for (const e of events) if (e.user_id) latestUser.set(e.visitor_id, e.user_id);
  const memberOf = (e: CanonicalEvent) =>
    !o.people
      ? e.visitor_id
      : e.user_id
        ? `u${e.user_id}`
        : latestUser.has(e.visitor_id)
          ? `u${latestUser.get(e.visitor_id)}`
          : `v${e.visitor_id}`;
  const traitKey = o.by.startsWith('trait:') ? o.by.slice(6) : null;
  const members = new Map<string, { first: CanonicalEvent; landing: string | null; trait: string; buckets: Map<string, boolean> }>();
  for (const e of events) {
    const m = memberOf(e);
    const rec = members.get(m) ?? { first: e, landing: null, trait: '', buckets: new Map<string, boolean>() };
    if (rec.landing === null && e.name === 'page_view') rec.landing = e.path;
    // Events are in time order: the last identify with a value wins.
    if (traitKey && e.name === 'identify' && e.props[traitKey]) rec.trait = e.props[traitKey]!;
    const b = bucket(localDay(e.ts, o.timezone), o.interval);
    rec.buckets.set(b, (rec.buckets.get(b) ?? false) || completes(e, o.goal));
    members.set(m, rec);
  }
  const keyOf = (rec: { first: CanonicalEvent; landing: string | null; trait: string }, fb: string) =>
    o.by === 'first_visit' ? fb : o.by === 'source' ? rec.first.source : o.by === 'landing_page' ? (rec.landing ?? '') : rec.trait;
  const nowBucket = bucket(localDay(o.nowMs - 1, o.timezone), o.interval);
  const out = new Map<string, OracleCohort>();
  for (const rec of members.values()) {
    if (rec.first.ts < o.startMs || rec.first.ts >= o.endMs) continue;
    const fb = bucket(localDay(rec.first.ts, o.timezone), o.interval);
    const key = keyOf(rec, fb);
    const c = out.get(key) ?? { cohort: key, size: 0, converted: 0, active: [], conversions: [] };
    c.size += 1;
    if ([...rec.buckets.values()].some(Boolean)) c.converted += 1;
    const reach = Math.min(o.periods - 1, offset(fb, nowBucket, o.interval));
    for (let k = 0; k <= reach; k++) {
      c.active[k] ??= 0;
      c.conversions[k] ??= 0;
    }
    for (const [b, conv] of rec.buckets) {
      const k = offset(fb, b, o.interval);
      if (k >= o.periods) continue;
      c.active[k] = (c.active[k] ?? 0) + 1;
      if (conv) c.conversions[k] = (c.conversions[k] ?? 0) + 1;
    }
    out.set(key, c);
  }
  if (o.payments) {
    // A payment belongs to the member of its visitor id (people: the latest user id it carried), in the period paid.
    for (const c of out.values()) c.revenue = c.active.map(() => 0);
    const cohortOf = new Map<string, { key: string; fb: string }>();
    for (const [m, rec] of members) {
      if (rec.first.ts < o.startMs || rec.first.ts >= o.endMs) continue;
      const fb = bucket(localDay(rec.first.ts, o.timezone), o.interval);
      cohortOf.set(m, { key: keyOf(rec, fb), fb });
    }
    for (const p of o.payments) {
      const m = memberOf({ visitor_id: p.visitor, user_id: '' } as CanonicalEvent);
      const at = cohortOf.get(m);
      if (!at) continue;
      const k = offset(at.fb, bucket(localDay(p.ts, o.timezone), o.interval), o.interval);
      const c = out.get(at.key)!;
      if (k >= 0 && k < c.revenue!.length) c.revenue![k]! += p.amount;
    }
  }
  return [...out.values()];
}
