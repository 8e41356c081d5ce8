import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent, ScoreReason, ScoringRules } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { rulesScorer } from '../src/scoring';
import { personOf } from './helpers/people-oracle';
import { SCORING_GOALS, SCORING_NOW, SCORING_RULES, SCORING_SITE, scoringEvents } from './helpers/scoring-fixture';

/**
 * Lead scoring (scoring/, rules mode) on one engine: every generated person's score and reasons in the
 * profile list and detail equal a plain computation here from the raw events, and the score order pages.
 */
const DAY = 86_400_000;

/** The rules applied by hand to one person's events. */
export function expectedScore(rules: ScoringRules, list: CanonicalEvent[], id: string, now: number) {
  const views = list.filter((e) => e.name === 'page_view');
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('.*')}$`,
    );
  const sessions = new Set(list.map((e) => `${e.session_id}|${e.visitor_id}`)).size;
  const lastSeen = Math.max(...list.map((e) => e.ts));
  const goalsDone = [list.some((e) => e.name === 'signup'), views.some((e) => e.path === '/pricing')].filter(Boolean).length;
  const engagedMs = list.reduce((a, e) => a + (e.name === 'page_exit' && e.engaged_ms !== null ? e.engaged_ms : 0), 0);
  const parts: ScoreReason[] = [
    { rule: 'recency', points: rules.recency.points * 2 ** (-(now - lastSeen) / DAY / rules.recency.half_life_days) },
    { rule: 'sessions', points: Math.min(rules.sessions.max, rules.sessions.points_each * sessions) },
    { rule: 'pageviews', points: Math.min(rules.pageviews.max, rules.pageviews.points_each * views.length) },
    ...rules.key_pages.map((k) => ({ rule: `key_page:${k.name}`, points: views.some((e) => glob(k.path).test(e.path)) ? k.points : 0 })),
    { rule: 'goals', points: Math.min(rules.goals.max, rules.goals.points_each * goalsDone) },
    { rule: 'engaged', points: Math.min(rules.engaged.max, (rules.engaged.points_per_minute * engagedMs) / 60_000) },
    { rule: 'returning', points: sessions >= 2 ? rules.returning.points : 0 },
    { rule: 'identified', points: id.startsWith('u') ? rules.identified.points : 0 },
  ];
  const sum = parts.reduce((a, p) => a + p.points, 0);
  const reasons = parts
    .filter((p) => Math.round(p.points * 10) !== 0)
    .map((p) => ({ rule: p.rule, points: Math.round(p.points * 10) / 10 }))
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || a.rule.localeCompare(b.rule))
    .slice(0, 5);
  return { score: Math.max(0, Math.min(100, Math.round(sum))), score_reasons: reasons, last_seen: lastSeen };
}

export function runScoringSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`lead scoring on ${engine}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const events = scoringEvents();
    const person = personOf(events);
    const byPerson = new Map<string, CanonicalEvent[]>();
    for (const e of events) byPerson.set(person(e), [...(byPerson.get(person(e)) ?? []), e]);
    const expected = new Map([...byPerson].map(([id, list]) => [id, expectedScore(SCORING_RULES, list, id, SCORING_NOW)]));
    const site = { ...SCORING_SITE, goals: SCORING_GOALS };
    const scorer = rulesScorer(SCORING_RULES, SCORING_GOALS, SCORING_NOW);

    beforeAll(async () => {
      store = await makeStore();
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      stats = new StatsService(store, { sharedResultsMs: 0 });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('scores every generated person as the rules say, with their top reasons', async () => {
      const list = await stats.profiles(site, { limit: '200' }, scorer);
      expect(list.total).toBe(expected.size);
      expect(list.total).toBeLessThanOrEqual(200);
      const got = Object.fromEntries(list.profiles.map((p) => [p.id, { score: p.score, score_reasons: p.score_reasons }]));
      const want = Object.fromEntries([...expected].map(([id, e]) => [id, { score: e.score, score_reasons: e.score_reasons }]));
      expect(got).toEqual(want);
      // The fixture reaches every rule, and scores spread, or this would prove little.
      const rules = new Set([...expected.values()].flatMap((e) => e.score_reasons.map((r) => r.rule)));
      for (const r of ['recency', 'sessions', 'key_page:contact', 'key_page:blog', 'goals', 'engaged', 'returning', 'identified'])
        expect(rules).toContain(r);
      expect(new Set([...expected.values()].map((e) => e.score)).size).toBeGreaterThan(10);
    });

    it('orders and pages by score, highest first (then newest, then id)', async () => {
      const order = [...expected]
        .sort(([a, x], [b, y]) => y.score - x.score || y.last_seen - x.last_seen || (a < b ? -1 : 1))
        .map(([id]) => id);
      const page = await stats.profiles(site, { sort: 'score', limit: '15', offset: '10' }, scorer);
      expect(page.profiles.map((p) => p.id)).toEqual(order.slice(10, 25));
      expect(page.total).toBe(expected.size);
      const searched = await stats.profiles(site, { sort: 'score', search: 'user1' }, scorer);
      expect(searched.profiles.map((p) => p.id)).toEqual(order.filter((id) => id.toLowerCase().includes('user1')));
    });

    it('gives the profile detail the same score as the list', async () => {
      const ids = [...expected.keys()].filter((_, i) => i % 15 === 0);
      expect(ids.some((id) => id.startsWith('u')) && ids.some((id) => id.startsWith('v'))).toBe(true);
      for (const id of ids) {
        const p = await stats.profile(site, id, scorer);
        const e = expected.get(id)!;
        expect([p.score, p.score_reasons]).toEqual([e.score, e.score_reasons]);
      }
    });
  });
}
