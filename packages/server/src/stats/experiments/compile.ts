import { EXPOSURE_EVENT, type GoalDefinition } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { goalEventCondition } from '../goals';
import { memberRows } from '../people';
import { and, bindString, ident, render, sql, type CompiledSql, type Sql } from '../sql';

/**
 * An experiment's counts per variant (README "Experiments"), two statements over the site's events of
 * [startMs, endMs) with every event's person (people.ts: user id when identified, else visitor id — the
 * unit the assignment hashes):
 *  - members: per person, the first exposure of the experiment (time and variant), then whether any of
 *    the person's events at or after that time converts (the goal's event condition, or a revenue
 *    amount > 0) and the revenue amount of those events → per variant: people, converters, revenue and
 *    revenue² (for the spread of revenue per person);
 *  - sessions: per variant, the distinct sessions with an exposure of it.
 */
export interface ExperimentCountsQuery {
  siteId: string;
  key: string;
  /** The goal judged on; null judges revenue. */
  goal: GoalDefinition | null;
  startMs: number;
  endMs: number;
}

function exposed(d: Dialect, q: ExperimentCountsQuery): { rows: Sql; member: Sql } {
  const inRead = and([
    sql`site_id = ${bindString(q.siteId)}`,
    sql`ts >= ${d.timestampFromMs(q.startMs)}`,
    sql`ts < ${d.timestampFromMs(q.endMs)}`,
  ]);
  return memberRows(d, sql`visitor_id, user_id, session_id, ts, name, path, props, revenue_amount`, inRead, true);
}

/** One row per event: its person, time, session, exposure flag and variant, conversion flag, revenue. */
function eventRows(d: Dialect, q: ExperimentCountsQuery): Sql {
  const { rows, member } = exposed(d, q);
  const props = ident('props');
  const isExposure = sql`name = ${bindString(EXPOSURE_EVENT)} AND ${d.propertyValue(props, 'key')} = ${bindString(q.key)}`;
  const converts = q.goal ? goalEventCondition(d, q.goal) : sql`coalesce(revenue_amount, 0) > 0`;
  if (!converts) throw new Error('experiments: the goal must be a destination or event goal');
  return sql`SELECT ${member} AS mb, ${d.timestampToMs(ident('ts'))} AS tm, session_id AS sid,
    CASE WHEN ${isExposure} THEN 1 ELSE 0 END AS xp, ${d.propertyValue(props, 'variant')} AS vr,
    CASE WHEN ${converts} THEN 1 ELSE 0 END AS cv, coalesce(revenue_amount, 0) AS amt FROM (${rows}) AS pr`;
}

/** Rows (variant, n, conversions, revenue, revenue_sq): people by the variant of their first exposure. */
export function compileExperimentMembers(d: Dialect, q: ExperimentCountsQuery): CompiledSql {
  const ev = eventRows(d, q);
  const first = sql`SELECT mb, min(tm) AS t0, ${d.argMinIf(ident('vr'), ident('tm'), sql`1 = 1`)} AS variant FROM (${ev}) AS e0 WHERE xp = 1 GROUP BY mb`;
  // ClickHouse (18.16 too) needs the join's strictness said.
  const join = d.name === 'duckdb' ? sql`INNER JOIN` : sql`ALL INNER JOIN`;
  const perMember = sql`SELECT mb, variant, max(CASE WHEN tm >= t0 AND cv = 1 THEN 1 ELSE 0 END) AS conv,
    sum(CASE WHEN tm >= t0 THEN amt ELSE 0 END) AS rev FROM (${first}) AS f ${join} (${ev}) AS e USING (mb) GROUP BY mb, variant`;
  return render(
    sql`SELECT variant, count(*) AS n, sum(conv) AS conversions, sum(rev) AS revenue, sum(rev * rev) AS revenue_sq FROM (${perMember}) AS pm GROUP BY variant ORDER BY variant`,
    d,
  );
}

/** Rows (variant, sessions): distinct sessions with an exposure of each variant. */
export function compileExperimentSessions(d: Dialect, q: ExperimentCountsQuery): CompiledSql {
  return render(
    sql`SELECT vr AS variant, ${d.uniq(ident('sid'))} AS sessions FROM (${eventRows(d, q)}) AS e WHERE xp = 1 GROUP BY vr ORDER BY vr`,
    d,
  );
}
