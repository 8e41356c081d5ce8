import type { GoalDefinition, ScoreReason, ScoringRules } from '@tidemark/core';
import type { PersonFeatures, ProfileScore, ProfileScorer } from '../stats';

const DAY_MS = 86_400_000;
const MAX_REASONS = 5;
const tenth = (x: number) => Math.round(x * 10) / 10;
const upTo = (x: number, max: number) => Math.min(x, max);

/**
 * The rules-mode lead score of one person at `now`: each rule's points (recency halves every
 * half-life since the last event; counted rules stop at their max), summed, rounded and clamped to 0–100.
 * Reasons: the rules that gave points, largest first.
 */
export function scoreOf(rules: ScoringRules, f: PersonFeatures, now: number): ProfileScore {
  const ageDays = Math.max(0, now - f.last_ms) / DAY_MS;
  const given: ScoreReason[] = [
    { rule: 'recency', points: rules.recency.points * 0.5 ** (ageDays / rules.recency.half_life_days) },
    { rule: 'sessions', points: upTo(f.sessions * rules.sessions.points_each, rules.sessions.max) },
    { rule: 'pageviews', points: upTo(f.pageviews * rules.pageviews.points_each, rules.pageviews.max) },
    ...rules.key_pages.map((k, i) => ({ rule: `key_page:${k.name}`, points: (f.key_pages[i] ?? 0) > 0 ? k.points : 0 })),
    { rule: 'goals', points: upTo(f.goals * rules.goals.points_each, rules.goals.max) },
    { rule: 'engaged', points: upTo((f.engaged_ms / 60_000) * rules.engaged.points_per_minute, rules.engaged.max) },
    { rule: 'returning', points: f.sessions > 1 ? rules.returning.points : 0 },
    { rule: 'identified', points: f.identified ? rules.identified.points : 0 },
  ];
  const total = given.reduce((a, r) => a + r.points, 0);
  const score_reasons = given
    .map((r) => ({ rule: r.rule, points: tenth(r.points) }))
    .filter((r) => r.points !== 0)
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.rule < b.rule ? -1 : 1))
    .slice(0, MAX_REASONS);
  return { score: Math.min(100, Math.max(0, Math.round(total))), score_reasons };
}

/** Goals whose completion is a property of a person's events (a duration or page count is a session's). */
export const scoredGoals = (goals: readonly GoalDefinition[]) => goals.filter((g) => g.type === 'destination' || g.type === 'event');

/** The scorer the profile read model applies to each profile it reads. */
export function rulesScorer(rules: ScoringRules, goals: readonly GoalDefinition[], now: number): ProfileScorer {
  return { keyPages: rules.key_pages, goals: scoredGoals(goals), score: (f) => scoreOf(rules, f, now) };
}
