import { DEFAULT_SCORING_RULES, type CanonicalEvent, type GoalDefinition, type ScoringRules } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import { cohortEvents, COHORT_SITE, LONG_GOAL, PRICING_GOAL, SIGNUP_GOAL } from './cohorts-fixture';

/**
 * People for the lead-scoring suite: the cohorts fixture's generated traffic (identification
 * mid-session, second devices, re-identification) with contact-page views and engaged time
 * (a page_exit with engaged_ms after some page views) added.
 */
export const SCORING_SITE = COHORT_SITE;
export const SCORING_GOALS: GoalDefinition[] = [SIGNUP_GOAL, PRICING_GOAL, LONG_GOAL];
/** Ten days after the last generated event. */
export const SCORING_NOW = Date.parse('2024-04-10T00:00:00Z');

export const SCORING_RULES: ScoringRules = {
  ...DEFAULT_SCORING_RULES,
  recency: { points: 30, half_life_days: 7 },
  key_pages: [
    { name: 'pricing', path: '/pricing', points: 12 },
    { name: 'docs', path: '/docs*', points: 6 },
    { name: 'contact', path: '/contact/*', points: 20 },
    { name: 'blog', path: '/blog', points: -4 },
  ],
  engaged: { points_per_minute: 1.5, max: 9 },
};

export function scoringEvents(): CanonicalEvent[] {
  const rng = new Prng('scoring-extra');
  let n = 0;
  const out: CanonicalEvent[] = [];
  for (const e of cohortEvents('scoring')) {
    if (e.name === 'page_view' && e.path === '/blog' && rng.chance(0.3)) {
      e.path = '/contact/sales';
      e.url = `https://example.com${e.path}`;
    }
    out.push(e);
    if (e.name === 'page_view' && rng.chance(0.4)) {
      n += 1;
      out.push({
        ...e,
        event_id: `00000000-0000-4000-d000-${String(n).padStart(12, '0')}`,
        name: 'page_exit',
        ts: e.ts + 1,
        received_at: e.ts + 1,
        engaged_ms: rng.int(0, 240_000),
      });
    }
  }
  return out;
}
