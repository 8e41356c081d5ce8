import { z } from 'zod';
import {
  badRequest,
  isoDateSchema,
  JOURNEY_SEGMENTS,
  journeySegmentOf,
  PERIODS,
  type GoalDefinition,
  type JourneySegments,
} from '@tidemark/core';
import type { Reader } from '../cache';
import { parseDashboardParams } from '../dashboard';
import type { Dialect } from '../dialect';
import { goalCompletion } from '../goals';
import { SESSION_LOOKAROUND_MS } from '../optimize';
import { memberRows } from '../people';
import { resolvePeriod } from '../period';
import { DATE_RANGE_CODES, parseQueryParams } from '../query-params';
import { and, bindInt, bindString, render, sql } from '../sql';

/** `GET …/journeys`: the period whose sessions count, the goal, and what a member is. */
export const journeyParamsSchema = z
  .object({
    period: z
      .enum([...PERIODS, 'custom'])
      .optional()
      .meta({ description: 'Sessions starting in this period (default last_30_days)' }),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    goal: z.string().min(1).max(100).meta({ description: 'A goal of the site (any type: completion is per session)' }),
    unit: z.enum(['visitors', 'people']).optional().meta({ description: 'Default people (docs/people.md)' }),
  })
  .strict();

const round1 = (x: number) => Math.round(x * 10) / 10;
const NOTE = "Visitor ids of the cookieless default change every day: a visitor's sessions on other days count as other visitors.";

/**
 * Per member (people.ts) its sessions starting in the period, each completing the goal or not (the
 * goal's session aggregate, as conversions count), sorted by start: the count n and the 1-based index
 * k of the first completing one (0 for none); then members per (n, k), classified in JS.
 * Sessions are read up to 24 h past the period, like every session.
 */
export async function runJourneys(
  reader: Reader,
  d: Dialect,
  site: { id: string; timezone: string; goals?: readonly GoalDefinition[] },
  raw: unknown,
  nowMs: number,
): Promise<JourneySegments> {
  const p = parseQueryParams(journeyParamsSchema, raw, DATE_RANGE_CODES);
  const period = parseDashboardParams({
    period: p.period ?? 'last_30_days',
    start_date: p.start_date,
    end_date: p.end_date,
    compare: 'false',
  });
  const range = resolvePeriod(period.dateRange, site.timezone, nowMs);
  const goal = (site.goals ?? []).find((g) => g.id === p.goal);
  if (!goal) throw badRequest('invalid_goal', 'goal: not a goal of this site');
  const people = (p.unit ?? 'people') === 'people';
  const where = and([
    sql`site_id = ${bindString(site.id)}`,
    sql`ts >= ${d.timestampFromMs(range.startMs)}`,
    sql`ts < ${d.timestampFromMs(range.endMs + SESSION_LOOKAROUND_MS)}`,
  ]);
  const { rows, member } = memberRows(d, sql`visitor_id, user_id, session_id, ts, name, path, props`, where, people);
  const ms = d.timestampToMs(sql`ts`);
  const sessions = sql`SELECT ${member} AS m, min(${ms}) AS st, CASE WHEN ${goalCompletion(d, goal)} > 0 THEN 1 ELSE 0 END AS cv FROM (${rows}) AS ev GROUP BY m, visitor_id, session_id HAVING min(${ms}) >= ${bindInt(range.startMs)} AND min(${ms}) < ${bindInt(range.endMs)}`;
  const perMember =
    d.name === 'duckdb'
      ? sql`SELECT count(*) AS n, list_position(list_transform(list_sort(list({'st': st, 'cv': cv})), x0 -> x0.cv), 1) AS k FROM (${sessions}) AS s GROUP BY m`
      : sql`SELECT count() AS n, arrayFirstIndex(x0 -> tupleElement(x0, 2) = 1, arraySort(groupArray(tuple(st, cv)))) AS k FROM (${sessions}) AS s GROUP BY m`;
  const c = render(sql`SELECT n, coalesce(k, 0) AS k, count(*) AS c FROM (${perMember}) AS pm GROUP BY n, k`, d);
  const counts = new Map(JOURNEY_SEGMENTS.map((id) => [id, { members: 0, sessions: 0 }]));
  let members = 0;
  for (const row of await reader.query<Record<string, unknown>>(c.sql, c.params)) {
    const n = Number(row.n);
    const count = Number(row.c);
    const seg = counts.get(journeySegmentOf(n, Number(row.k)))!;
    seg.members += count;
    seg.sessions += n * count;
    members += count;
  }
  return {
    period: { start: range.startDate, end: range.endDate },
    goal: { id: goal.id, name: goal.name },
    basis: people ? 'people' : 'visitors',
    basis_note: people ? null : NOTE,
    members,
    segments: JOURNEY_SEGMENTS.map((id) => {
      const s = counts.get(id)!;
      return {
        id,
        members: s.members,
        share: members ? round1((s.members / members) * 100) : 0,
        avg_sessions: s.members ? round1(s.sessions / s.members) : 0,
      };
    }),
  };
}
