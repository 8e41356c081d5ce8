import type { GoalDefinition } from '@tidemark/core';
import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { goalEventCondition } from '../goals';
import { and, bindInt, bindString, join, render, sql } from '../sql';
import { personRows, sessionKey } from './compile';
import { featureColumns, featuresOf, type PersonFeatures, type ProfileScorer, num, str } from './features';

/** One person at a cutoff: their features from the events before it, and whether they reached the goal after. */
export interface LeadExample {
  pid: string;
  features: PersonFeatures;
  /** Completed the goal within the horizon after the cutoff. */
  label: boolean;
}

type Row = Record<string, unknown>;

/**
 * The people of a site at `cutoffMs` (those with an event before it) with their features as of then and
 * the label: completed `goal` (a destination or event goal) in [cutoff, cutoff + horizon). Who someone is
 * is decided from the events before the cutoff alone (an identification after it does not leak back);
 * the label finds them by any of their visitor ids or their user id.
 */
export async function runLeadExamples(
  reader: Reader,
  d: Dialect,
  siteId: string,
  scorer: ProfileScorer,
  goal: GoalDefinition,
  cutoffMs: number,
  horizonMs: number,
): Promise<LeadExample[]> {
  const rows = personRows(d, siteId, cutoffMs);
  const people = render(
    sql`SELECT pid, max(ms) AS last_ms, ${d.uniq(sessionKey(d))} AS n_sessions, ${d.countIf(sql`name = 'page_view'`)} AS n_pageviews,
      ${join(featureColumns(d, scorer))} FROM ${rows} GROUP BY pid ORDER BY pid`,
    d,
  );
  const vids = render(sql`SELECT DISTINCT pid, visitor_id FROM ${rows}`, d);
  const cond = goalEventCondition(d, goal);
  if (!cond) throw new Error(`goal ${goal.id}: only destination and event goals label people`);
  const window = and([
    sql`site_id = ${bindString(siteId)}`,
    sql`ts >= ${d.msToTimestamp(bindInt(cutoffMs))}`,
    sql`ts < ${d.msToTimestamp(bindInt(cutoffMs + horizonMs))}`,
    cond,
  ]);
  const reached = render(sql`SELECT DISTINCT visitor_id, user_id FROM events WHERE ${window}`, d);
  const [p, v, r] = await Promise.all([
    reader.query<Row>(people.sql, people.params),
    reader.query<Row>(vids.sql, vids.params),
    reader.query<Row>(reached.sql, reached.params),
  ]);
  const reachedVids = new Set(r.map((x) => str(x.visitor_id)).filter(Boolean));
  const reachedUsers = new Set(r.map((x) => str(x.user_id)).filter(Boolean));
  const positive = new Set(reachedUsers.size ? [...reachedUsers].map((u) => `u${u}`) : []);
  for (const x of v) if (reachedVids.has(str(x.visitor_id))) positive.add(str(x.pid));
  return p.map((x) => {
    const pid = str(x.pid);
    const base = { pid, last_ms: num(x.last_ms), sessions: num(x.n_sessions), pageviews: num(x.n_pageviews) };
    return { pid, features: featuresOf(scorer, x, base), label: positive.has(pid) };
  });
}
