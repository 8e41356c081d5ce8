import type { CohortBy, GoalDefinition } from '@tidemark/core';
import type { Dialect, Interval } from '../dialect';
import { goalCompletion } from '../goals';
import { memberRows } from '../people';
import { onWholeHours, visitorHoursRows } from '../rollups';
import { servedByBits, servedGrid } from './served';
import { and, bindInt, bindString, ident, render, sql, type CompiledSql, type Sql } from '../sql';

/**
 * A cohort grid as one statement (README "Cohorts"):
 *   the site's events of [readStart, readEnd), each with its member (people.ts) and the local period
 *   it falls in
 *   → per (member, period): the first time, the first source / landing page, goal completions
 *   → per member: the first period and time, the cohort key (of its first event; of its first page view
 *     by landing page), and the list of active periods
 *   → rows (ck, fb, b, n, c, cv): members of cohort key ck with first period fb active in period b,
 *     of whom c completed the goal in b; cv of them completed it in any period read.
 * Members count when their first event is in [startMs, endMs). Offsets are worked out in run.ts.
 */
export interface CohortQuery {
  siteId: string;
  timezone: string;
  interval: Interval;
  by: CohortBy;
  people: boolean;
  goal: GoalDefinition | null;
  startMs: number;
  endMs: number;
  /** Periods per cohort, the first included. */
  periods: number;
  readStartMs: number;
  readEndMs: number;
  /** Read the visitor-hours rollup (rollups/visitor-hours.ts), with its watermark (epoch ms): only by first visit without a goal (cohortsFromRollup). */
  rollup?: { watermarkMs: number };
}

/** Whether the visitor-hours rollup answers `q`: it holds first and last times per visitor and hour, nothing of sources, pages or goals. */
export function cohortsFromRollup(q: Pick<CohortQuery, 'by' | 'goal'>): boolean {
  return q.by === 'first_visit' && q.goal === null;
}

interface CohortLeaves {
  /** Per member of `l1`: fb, ft, ck, cv and the parallel lists bs, gs; then one row per (member, b, g). */
  explode(l1: Sql, where: Sql): Sql;
}

const LEAVES: Record<string, CohortLeaves> = {
  duckdb: {
    explode: (l1, where) =>
      sql`SELECT ck, fb, cv, unnest(bs) AS b, unnest(gs) AS g FROM (SELECT m, min(b) AS fb, min(t0) AS ft, arg_min(k, kt) AS ck, max(g) AS cv, list(b) AS bs, list(g) AS gs FROM (${l1}) AS l1 GROUP BY m) AS l2 WHERE ${where}`,
  },
  clickhouse: {
    explode: (l1, where) =>
      sql`SELECT ck, fb, cv, b, g FROM (SELECT m, min(b) AS fb, min(t0) AS ft, argMin(k, kt) AS ck, max(g) AS cv, groupArray(b) AS bs, groupArray(g) AS gs FROM (${l1}) AS l1 GROUP BY m) AS l2 ARRAY JOIN bs AS b, gs AS g WHERE ${where}`,
  },
};

function leavesOf(d: Dialect): CohortLeaves {
  const l = LEAVES[d.name];
  if (!l) throw new Error(`cohorts: no leaves for ${d.name}`);
  return l;
}

/**
 * Later than any event (year 5138): a period without page views has no landing page. Written as
 * 0 − (a negative value) so that it is signed like the times (ClickHouse 18.16 finds no common type
 * for a signed time and an unsigned literal).
 */
const NEVER = 99_999_999_999_999;

/**
 * Rows (m, b, t0, k, kt, g) per member and period: its first time, cohort key (with the time it was
 * seen), goal completion. The members of the read range (people.ts).
 */
export function memberPeriods(d: Dialect, q: CohortQuery): Sql {
  const inRead = and([
    sql`site_id = ${bindString(q.siteId)}`,
    sql`ts >= ${d.timestampFromMs(q.readStartMs)}`,
    sql`ts < ${d.timestampFromMs(q.readEndMs)}`,
  ]);
  if (q.rollup && (d.name !== 'duckdb' || !cohortsFromRollup(q)))
    throw new Error('cohorts: the visitor-hours rollup cannot answer this request');
  const { rows, member } = q.rollup
    ? memberRows(d, sql`visitor_id, user_id, ts`, sql`1 = 1`, q.people, sql`hours`)
    : memberRows(d, sql`visitor_id, user_id, ts, name, path, source, props`, inRead, q.people);
  // By trait: the latest value the member's identify events gave the key (compile below picks the period of the latest).
  const trait = q.by.startsWith('trait:') ? d.propertyValue(ident('props'), q.by.slice(6)) : null;
  const hasTrait = trait ? sql`name = 'identify' AND ${trait} <> ''` : null;
  const key =
    q.by === 'source'
      ? d.argMinIf(ident('source'), ident('ts'), sql`1 = 1`)
      : q.by === 'landing_page'
        ? d.argMinIf(ident('path'), ident('ts'), sql`name = 'page_view'`)
        : trait && hasTrait
          ? d.argMaxIf(trait, ident('ts'), hasTrait)
          : sql`''`;
  const bucket = d.timeBucket(ident('ts'), q.interval, q.timezone, { startMs: q.readStartMs, endMs: q.readEndMs });
  const goal = q.goal ? sql`CASE WHEN ${goalCompletion(d, q.goal)} > 0 THEN 1 ELSE 0 END` : sql`0`;
  const ms = d.timestampToMs(ident('ts'));
  // When the key was seen: the landing page is the first page view's, which a member's first period may lack.
  // By trait the smallest "time" is the latest identify with the key (times negated); periods without one never win.
  const keyTime =
    q.by === 'landing_page'
      ? sql`min(CASE WHEN name = 'page_view' THEN ${ms} ELSE 0 - ${bindInt(-NEVER)} END)`
      : hasTrait
        ? sql`min(CASE WHEN ${hasTrait} THEN 0 - ${ms} ELSE 0 - ${bindInt(-NEVER)} END)`
        : sql`min(${ms})`;
  return sql`SELECT ${member} AS m, ${bucket} AS b, min(${ms}) AS t0, ${key} AS k, ${keyTime} AS kt, ${goal} AS g FROM (${rows}) AS ev GROUP BY m, b`;
}

/**
 * The grid's statement. Served from the rollup, per member by bits (served.ts) when the periods fit
 * them, else (or with `window`: the statement before, for the bench's comparison) by a window.
 */
export function compileCohorts(d: Dialect, q: CohortQuery, opts: { window?: boolean } = {}): CompiledSql {
  const lv = leavesOf(d);
  const l1 = memberPeriods(d, q);
  const first = sql`ft >= ${bindInt(q.startMs)} AND ft < ${bindInt(q.endMs)}`;
  const grid = sql`SELECT ck, fb, b, count(*) AS n, sum(g) AS c, sum(cv) AS cvs FROM (${lv.explode(l1, first)}) AS x GROUP BY ck, fb, b ORDER BY ck, fb, b`;
  if (!q.rollup) return render(grid, d);
  // By first visit without a goal the grid needs per member only its first period and time: taken over
  // the member's (m, b) rows by a window instead of lists (the same rows, counted per (fb, b)).
  const bits = !opts.window && servedByBits(q);
  const firsts = sql`SELECT b, min(b) OVER (PARTITION BY m) AS fb, min(t0) OVER (PARTITION BY m) AS ft FROM (${l1}) AS l1`;
  const served = sql`SELECT '' AS ck, fb, b, count(*) AS n, 0 AS c, 0 AS cvs FROM (${firsts}) AS w WHERE ${first} GROUP BY fb, b ORDER BY fb, b`;
  // The rollup's rows stand for the events read (visitor-hours.ts); read once, used by both of memberRows' scans.
  const wholeHours = onWholeHours(q.timezone, q.readStartMs, q.readEndMs, [q.startMs, q.endMs]);
  const hours = visitorHoursRows(d, {
    siteId: q.siteId,
    startMs: q.readStartMs,
    endMs: q.readEndMs,
    watermarkMs: q.rollup.watermarkMs,
    wholeHours,
    keys: bits,
  });
  return render(sql`WITH hours AS MATERIALIZED (${hours}) ${bits ? servedGrid(d, q, sql`hours`) : served}`, d);
}
