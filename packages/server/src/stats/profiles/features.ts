import type { GoalDefinition, ScoreReason } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { goalCompletion } from '../goals';
import { compilePathPattern } from '../path-pattern';
import { bindString, ident, keyword, sql, type Sql } from '../sql';

const DAY_MS = 86_400_000;

/**
 * What lead scoring (scoring/) reads of a person: aggregates of their events (all of them, or those
 * before a cutoff when a model is trained). Rules mode reads the first seven; model mode all.
 */
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
  /** The deepest scroll (%) any of their events reported (page_exit, scroll_depth); 0 when none did. */
  scroll_max: number;
  /** Forms they submitted (form_submit events). */
  forms: number;
  /** Forms they started filling in (form_focus events of the heatmaps extension). */
  form_starts: number;
  /** Distinct UTC days with any event. */
  days_active: number;
  /** The channel of their first event ('Direct', 'Organic Search' …; '' when unknown). */
  first_channel: string;
  /** The device type of their latest event ('desktop', 'mobile', 'tablet' …). */
  device: string;
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

/** Aggregate columns (over a group of one person's events: columns of personRows) the features are read from. */
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
    sql`coalesce(max(scroll_depth), 0) AS f_scroll`,
    sql`${d.countIf(sql`name = 'form_submit'`)} AS f_forms`,
    sql`${d.countIf(sql`name = 'form_focus'`)} AS f_form_starts`,
    sql`${d.uniq(sql`floor(ms / ${keyword(String(DAY_MS))})`)} AS f_days`,
    sql`${d.argMinIf(ident('channel'), ident('ms'), keyword('TRUE'))} AS f_channel`,
    sql`${d.argMaxIf(ident('device_type'), ident('ms'), keyword('TRUE'))} AS f_device`,
  ];
}

/** Names of the columns featureColumns gives, in its order. */
export function featureNames(s: ProfileScorer): string[] {
  return [
    'f_engaged_ms',
    ...s.keyPages.map((_, i) => `f_kp_${i}`),
    ...s.goals.map((_, i) => `f_goal_${i}`),
    'f_scroll',
    'f_forms',
    'f_form_starts',
    'f_days',
    'f_channel',
    'f_device',
  ];
}

type Row = Record<string, unknown>;
/** People per statement where a list of them is bound: ClickHouse's query size limit (256 KiB by default) holds the ids with room to spare. */
export const PIDS_PER_STATEMENT = 500;

/** A result cell as a number (null: 0) and as text (null: ''), as both engines' drivers return them. */
export const num = (v: unknown) => Number(v ?? 0);
export const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Features of one person from one row of featureColumns over all their events. */
export function featuresOf(
  s: ProfileScorer,
  r: Row,
  base: { pid: string; last_ms: number; sessions: number; pageviews: number },
): PersonFeatures {
  return {
    identified: base.pid.startsWith('u'),
    last_ms: base.last_ms,
    sessions: base.sessions,
    pageviews: base.pageviews,
    key_pages: s.keyPages.map((_, i) => num(r[`f_kp_${i}`])),
    goals: s.goals.filter((_, i) => num(r[`f_goal_${i}`]) > 0).length,
    engaged_ms: num(r.f_engaged_ms),
    scroll_max: num(r.f_scroll),
    forms: num(r.f_forms),
    form_starts: num(r.f_form_starts),
    days_active: num(r.f_days),
    first_channel: str(r.f_channel),
    device: str(r.f_device),
  };
}
