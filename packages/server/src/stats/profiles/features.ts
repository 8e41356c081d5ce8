import type { GoalDefinition, ScoreReason } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { goalCompletion } from '../goals';
import { compilePathPattern } from '../path-pattern';
import { bindString, ident, sql, type Sql } from '../sql';

/** What lead scoring (scoring/) reads of a person: aggregates of all their events. */
export interface PersonFeatures {
  identified: boolean;
  last_ms: number;
  sessions: number;
  pageviews: number;
  /** Page views on each key page pattern, in the order of the scorer's `keyPages`. */
  key_pages: number[];
  /** Goals of the scorer's `goals` the person has completed. */
  goals: number;
  /** Engaged time the tracker reported (page_exit events), ms. */
  engaged_ms: number;
}

export interface ProfileScore {
  score: number;
  score_reasons: ScoreReason[];
}

/** Given to the profile read model to score each profile it returns. */
export interface ProfileScorer {
  keyPages: readonly { path: string }[];
  /** Goals whose completion is a property of the person's events (destination and event goals). */
  goals: readonly GoalDefinition[];
  score(f: PersonFeatures): ProfileScore;
}

/** Aggregate columns (over a group of one person's events) the features are read from. */
export function featureColumns(d: Dialect, s: ProfileScorer): Sql[] {
  const exit = sql`name = 'page_exit' AND engaged_ms IS NOT NULL`;
  return [
    sql`${d.sumIf(ident('engaged_ms'), exit)} AS f_engaged_ms`,
    ...s.keyPages.map((k, i) => {
      const p = compilePathPattern({ path: k.path }, `key_pages.${i}.path`);
      const onPath = p.kind === 'exact' ? sql`path = ${bindString(p.path)}` : d.regexMatch(ident('path'), bindString(p.regex));
      return sql`${d.countIf(sql`name = 'page_view' AND ${onPath}`)} AS ${ident(`f_kp_${i}`)}`;
    }),
    ...s.goals.map((g, i) => sql`${goalCompletion(d, g)} AS ${ident(`f_goal_${i}`)}`),
  ];
}

/** Names of the columns featureColumns gives, in its order. */
export function featureNames(s: ProfileScorer): string[] {
  return ['f_engaged_ms', ...s.keyPages.map((_, i) => `f_kp_${i}`), ...s.goals.map((_, i) => `f_goal_${i}`)];
}

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);

/** Features of one person from rows of featureColumns (one row, or one per visitor id to be summed). */
export function featuresOf(
  s: ProfileScorer,
  rows: Row[],
  base: { pid: string; last_ms: number; sessions: number; pageviews: number },
): PersonFeatures {
  const sum = (col: string) => rows.reduce((a, r) => a + num(r[col]), 0);
  return {
    identified: base.pid.startsWith('u'),
    last_ms: base.last_ms,
    sessions: base.sessions,
    pageviews: base.pageviews,
    key_pages: s.keyPages.map((_, i) => sum(`f_kp_${i}`)),
    goals: s.goals.filter((_, i) => sum(`f_goal_${i}`) > 0).length,
    engaged_ms: sum('f_engaged_ms'),
  };
}
