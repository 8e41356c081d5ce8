import { badRequest, type Cohorts, type GoalDefinition } from '@tidemark/core';
import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { localDate, resolvePeriod } from '../period';
import { and, bindString, render, sql } from '../sql';
import { VISITOR_HOURS_WATERMARK_SQL } from '../rollups';
import { cohortsFromRollup, compileCohorts, type CohortQuery } from './compile';
import { compileCohortRevenue, compileHasRevenue } from './revenue';
import type { CohortRequest } from './params';
import { bucketOf, periodsBetween } from './buckets';

export { bucketOf, periodsBetween };

const DAY = 86_400_000;
/** How far before the first cohort a member's earlier visits are looked for (one is then not new). */
export const FIRST_SEEN_LOOKBACK_DAYS = 180;
const MAX_PERIOD_DAYS = { day: 1, week: 7, month: 31 } as const;
const MAX_COHORTS = 60;

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (a: number, b: number) => (b > 0 ? round1((a / b) * 100) : 0);

const BASIS_NOTE =
  "Visitor ids of the cookieless default change every day, so a visitor's return on a later day is only recognised with persistent ids or identified users (unit=people).";

/** The cohort grid for the request (README "Cohorts"). */
export async function runCohorts(
  reader: Reader,
  d: Dialect,
  site: { id: string; timezone: string; goals?: readonly GoalDefinition[] },
  req: CohortRequest,
  nowMs: number,
  rollupReady = false,
): Promise<Cohorts> {
  const range = resolvePeriod(req.dateRange, site.timezone, nowMs);
  const goal = req.goal ? (site.goals ?? []).find((g) => g.id === req.goal) : null;
  if (req.goal && !goal) throw badRequest('invalid_goal', 'goal: not a goal of this site');
  if (goal && goal.type !== 'destination' && goal.type !== 'event')
    throw badRequest(
      'invalid_goal',
      'goal: cohorts follow destination and event goals (duration and page-count goals belong to one session)',
    );
  const readStartMs = range.startMs - FIRST_SEEN_LOOKBACK_DAYS * DAY;
  const readEndMs = Math.min(nowMs, range.endMs + req.periods * MAX_PERIOD_DAYS[req.interval] * DAY);
  const people = req.unit === null ? await hasIdentifiedUsers(reader, d, site.id, readStartMs, readEndMs) : req.unit === 'people';
  // docs/cohorts.md "Speed": the common request (by first visit, no goal) reads the visitor-hours rollup.
  const served = rollupReady && d.name === 'duckdb' && cohortsFromRollup({ by: req.by, goal: goal ?? null });
  const watermarkMs = served
    ? Number((await reader.query<{ ms: unknown }>(VISITOR_HOURS_WATERMARK_SQL, []))[0]?.ms ?? Number.NaN)
    : Number.NaN;
  const query: CohortQuery = {
    siteId: site.id,
    timezone: site.timezone,
    interval: req.interval,
    by: req.by,
    people,
    goal: goal ?? null,
    startMs: range.startMs,
    endMs: range.endMs,
    periods: req.periods,
    readStartMs,
    readEndMs,
  };
  const c = compileCohorts(d, { ...query, ...(Number.isFinite(watermarkMs) ? { rollup: { watermarkMs } } : {}) });
  const revenue = await cohortRevenue(reader, d, query);
  const rows = (await reader.query<Record<string, unknown>>(c.sql, c.params)).map((r) => ({
    ck: String(r.ck ?? ''),
    fb: String(r.fb),
    b: String(r.b),
    n: Number(r.n),
    c: Number(r.c),
    cvs: Number(r.cvs),
  }));
  const nowBucket = bucketOf(localDate(nowMs - 1, site.timezone), req.interval);
  interface Acc {
    size: number;
    converted: number;
    active: number[];
    conv: number[];
    /** Offsets that have begun for some member. */
    reach: number;
    /** Revenue per offset, minor units of the reporting currency. */
    rev: number[];
  }
  const cohorts = new Map<string, Acc>();
  for (const r of rows) {
    const key = req.by === 'first_visit' ? r.fb : r.ck;
    const acc = cohorts.get(key) ?? {
      size: 0,
      converted: 0,
      active: Array(req.periods).fill(0),
      conv: Array(req.periods).fill(0),
      reach: 0,
      rev: Array(req.periods).fill(0),
    };
    const offset = periodsBetween(r.fb, r.b, req.interval);
    if (offset === 0) {
      acc.size += r.n;
      acc.converted += r.cvs;
    }
    if (offset < req.periods) {
      acc.active[offset]! += r.n;
      acc.conv[offset]! += r.c;
    }
    acc.reach = Math.max(acc.reach, Math.min(req.periods - 1, periodsBetween(r.fb, nowBucket, req.interval)));
    cohorts.set(key, acc);
  }
  for (const r of revenue?.rows ?? []) {
    const acc = cohorts.get(req.by === 'first_visit' ? r.fb : r.ck);
    const offset = periodsBetween(r.fb, r.b, req.interval);
    // Members of a cohort paid in its periods; a payment before a member's first event counts nowhere.
    if (acc && offset >= 0 && offset < req.periods) acc.rev[offset]! += r.rev;
  }
  const perMember = (a: Acc, offset: number) =>
    revenue && a.size ? Math.round((a.rev[offset]! / revenue.scale / a.size) * 100) / 100 : revenue ? 0 : null;
  const ordered = [...cohorts.entries()].sort((a, b) =>
    req.by === 'first_visit' ? (a[0] < b[0] ? -1 : 1) : b[1].size - a[1].size || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  return {
    period: { start: range.startDate, end: range.endDate },
    interval: req.interval,
    by: req.by,
    basis: people ? 'people' : 'visitors',
    basis_note: people ? null : BASIS_NOTE,
    goal: goal ? { id: goal.id, name: goal.name } : null,
    currency: revenue?.currency ?? null,
    periods: req.periods,
    cohorts: ordered.slice(0, MAX_COHORTS).map(([cohort, a]) => ({
      cohort,
      size: a.size,
      converted: a.converted,
      cells: Array.from({ length: a.reach + 1 }, (_, offset) => ({
        offset,
        active: a.active[offset]!,
        retention: pct(a.active[offset]!, a.size),
        conversions: a.conv[offset]!,
        conversion_rate: pct(a.conv[offset]!, a.size),
        revenue_per_member: perMember(a, offset),
      })),
    })),
  };
}

/** Revenue rows of the grid (revenue.ts), or null when the site has no revenue. */
async function cohortRevenue(reader: Reader, d: Dialect, q: CohortQuery) {
  const has = compileHasRevenue(d, q.siteId);
  if (!(await reader.query(has.sql, has.params)).length) return null;
  const c = compileCohortRevenue(d, q);
  const rows = (await reader.query<Record<string, unknown>>(c.sql, c.params)).map((r) => ({
    ck: String(r.ck ?? ''),
    fb: String(r.fb),
    b: String(r.b),
    rev: Number(r.rev),
    scale: Number(r.scale),
    conv: String(r.conv ?? ''),
  }));
  const first = rows.find((r) => r.scale > 0);
  // conv is "<currency>|<rates fingerprint>" (revenue/credits.ts); the scale is the same on every row of a site.
  return first ? { rows, scale: first.scale, currency: first.conv.split('|')[0]! } : { rows, scale: 1, currency: null };
}

async function hasIdentifiedUsers(reader: Reader, d: Dialect, siteId: string, startMs: number, endMs: number): Promise<boolean> {
  const where = and([
    sql`site_id = ${bindString(siteId)}`,
    sql`ts >= ${d.timestampFromMs(startMs)}`,
    sql`ts < ${d.timestampFromMs(endMs)}`,
    sql`user_id <> ''`,
  ]);
  const c = render(sql`SELECT 1 AS one FROM events WHERE ${where} LIMIT 1`, d);
  return (await reader.query(c.sql, c.params)).length > 0;
}
