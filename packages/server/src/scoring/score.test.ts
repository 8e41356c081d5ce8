import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES, type GoalDefinition, type ScoringRules } from '@tidemark/core';
import type { PersonFeatures } from '../stats';
import { rulesScorer, scoreOf } from './score';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 31);
const RULES: ScoringRules = {
  recency: { points: 20, half_life_days: 10 },
  sessions: { points_each: 4, max: 12 },
  pageviews: { points_each: 0.5, max: 10 },
  key_pages: [
    { name: 'pricing', path: '/pricing*', points: 15 },
    { name: 'careers', path: '/jobs/*', points: -30 },
  ],
  goals: { points_each: 10, max: 15 },
  engaged: { points_per_minute: 2, max: 8 },
  returning: { points: 5 },
  identified: { points: 7 },
};
const person = (o: Partial<PersonFeatures>): PersonFeatures => ({
  identified: false,
  last_ms: NOW,
  sessions: 1,
  pageviews: 1,
  key_pages: [0, 0],
  goals: 0,
  engaged_ms: 0,
  scroll_max: 0,
  forms: 0,
  form_starts: 0,
  days_active: 1,
  first_channel: 'Direct',
  device: 'desktop',
  ...o,
});

describe('scoreOf (rules mode)', () => {
  it('adds each rule’s points: recency halved per half-life, counts up to their max', () => {
    // 20 days = two half-lives: 20 / 4 = 5; 3 sessions × 4 = 12 (max 12); 9 page views × 0.5 = 4.5;
    // pricing 15; 1 goal 10; 90 s engaged × 2/min = 3; returning 5; identified 7 → 61.5 → 62.
    const s = scoreOf(
      RULES,
      person({ identified: true, last_ms: NOW - 20 * DAY, sessions: 3, pageviews: 9, key_pages: [2, 0], goals: 1, engaged_ms: 90_000 }),
      NOW,
    );
    expect(s.score).toBe(62);
    expect(s.score_reasons).toEqual([
      { rule: 'key_page:pricing', points: 15 },
      { rule: 'sessions', points: 12 },
      { rule: 'goals', points: 10 },
      { rule: 'identified', points: 7 },
      { rule: 'recency', points: 5 },
    ]);
  });

  it('stops counted rules at their max and clamps the sum to 100', () => {
    // 20 + 12 + 10 + 15 + 15 (2 goals capped) + 8 (10 min capped) + 5 + 7 = 92 → the careers page absent.
    const busy = person({ identified: true, sessions: 50, pageviews: 500, key_pages: [1, 0], goals: 2, engaged_ms: 600_000 });
    expect(scoreOf(RULES, busy, NOW).score).toBe(92);
    const generous = { ...RULES, identified: { points: 100 } };
    expect(scoreOf(generous, busy, NOW).score).toBe(100);
  });

  it('takes points away for negative rules and never goes below 0', () => {
    // A month-old one-page visit of the careers page: 20 × 0.5^3 = 2.5, 4, 0.5, −30 → −23 → 0.
    const s = scoreOf(RULES, person({ last_ms: NOW - 30 * DAY, key_pages: [0, 1] }), NOW);
    expect(s.score).toBe(0);
    expect(s.score_reasons[0]).toEqual({ rule: 'key_page:careers', points: -30 });
  });

  it('rounds half up and gives no reason for a rule that gave nothing', () => {
    // Default rules, active now: 25 + 3 + 1 = 29.
    const s = scoreOf(DEFAULT_SCORING_RULES, person({ key_pages: [0, 0, 0] }), NOW);
    expect(s.score).toBe(29);
    expect(s.score_reasons.map((r) => r.rule)).toEqual(['recency', 'sessions', 'pageviews']);
    // 0.5 page points on top of 20 + 4: 24.5 → 25.
    expect(scoreOf(RULES, person({}), NOW).score).toBe(25);
  });

  it('scores goals of the person only: duration and page-count goals are a session’s', () => {
    const goals: GoalDefinition[] = [
      { id: 'a', name: 'A', type: 'destination', match: { path: '/thanks' } },
      { id: 'b', name: 'B', type: 'duration', match: { min_duration_s: 60 } },
      { id: 'c', name: 'C', type: 'event', match: { event_name: 'signup' } },
    ];
    expect(rulesScorer(RULES, goals, NOW).goals.map((g) => g.id)).toEqual(['a', 'c']);
  });
});
