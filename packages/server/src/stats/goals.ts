import { badRequest, type GoalDefinition, type GoalRule } from '@tidemark/core';
import type { Dialect } from './dialect';
import { compilePathPattern } from './path-pattern';
import { and, bindInt, bindString, ident, or, sql, type Sql } from './sql';

/**
 * Goals in the engine (DESIGN §4 "Conversion"): each definition becomes one aggregate over the events
 * of a session, positive when the session completed the goal. The session subquery carries one such
 * column per goal the statement needs (`g_<i>`); the goal filter, the `goal` dimension and the
 * conversion metrics read them. Definitions are the site's metadata, handed to build() in its context,
 * so goals apply to all stored data, also from before they were created.
 */

/** At most this many goals per site: each is one column of the session subquery. */
export const MAX_GOALS_PER_SITE = 50;

const isPageview = sql`name = 'page_view'`;

/** Validates the parts of a definition a schema cannot (RE2 syntax of path patterns); 400 when bad. */
export function checkGoalDefinition(goal: GoalRule): void {
  if (goal.type === 'destination') compilePathPattern(goal.match, 'match');
}

/**
 * The condition one event meets when it completes a destination or event goal (null for the session-level
 * kinds, duration and page count): goalCompletion counts such events; experiments/ ask "after exposure".
 */
export function goalEventCondition(d: Dialect, goal: GoalDefinition): Sql | null {
  switch (goal.type) {
    case 'destination': {
      const p = compilePathPattern(goal.match, 'match');
      const path = ident('path');
      const onPath = p.kind === 'exact' ? sql`${path} = ${bindString(p.path)}` : d.regexMatch(path, bindString(p.regex));
      return sql`${isPageview} AND ${onPath}`;
    }
    case 'event': {
      const conds = [sql`name = ${bindString(goal.match.event_name)}`];
      for (const [k, v] of Object.entries(goal.match.event_properties ?? {}))
        conds.push(sql`${d.propertyValue(ident('props'), k)} = ${bindString(v)}`);
      return and(conds);
    }
    default:
      return null;
  }
}

/** An aggregate over one session's events: > 0 exactly when the session completed `goal`. */
export function goalCompletion(d: Dialect, goal: GoalDefinition): Sql {
  switch (goal.type) {
    case 'destination':
    case 'event':
      return d.countIf(goalEventCondition(d, goal)!);
    case 'duration': {
      const ms = sql`${d.timestampToMs(sql`max(ts)`)} - ${d.timestampToMs(sql`min(ts)`)}`;
      return sql`CASE WHEN ${ms} >= ${bindInt(goal.match.min_duration_s * 1000)} THEN 1 ELSE 0 END`;
    }
    case 'pages_per_session':
      return sql`CASE WHEN ${d.countIf(isPageview)} >= ${bindInt(goal.match.min_pages)} THEN 1 ELSE 0 END`;
  }
}

/** Column of the session subquery holding goal `i`'s completion. */
export const goalColumn = (i: number): Sql => ident(`g_${i}`);

/** True on session rows that completed any of the goals at `indexes` (FALSE for none). */
export function completedAny(indexes: readonly number[]): Sql {
  return or(indexes.map((i) => sql`${goalColumn(i)} > 0`));
}

/**
 * The `goal` dimension's values on session rows: one row per goal the session completed (a session
 * completing two goals counts in both rows), as the dialect's unnest of the completed goals' ids.
 */
export function expandGoals(d: Dialect, goals: readonly GoalDefinition[]): Sql {
  return d.unnestNonEmpty(goals.map((g, i) => sql`CASE WHEN ${goalColumn(i)} > 0 THEN ${bindString(g.id)} ELSE '' END`));
}

/** The goals of `ids` among the site's, by index; a goal the site does not have is a 400. */
export function goalIndexes(goals: readonly GoalDefinition[], ids: readonly string[]): number[] {
  return ids.map((id) => {
    const i = goals.findIndex((g) => g.id === id);
    if (i < 0) throw badRequest('invalid_goal', `filters: "${id.slice(0, 80)}" is not a goal of this site`);
    return i;
  });
}
