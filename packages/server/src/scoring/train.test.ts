import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import type { LeadExample } from '../stats';
import { modelScoreOf, probability, trainLeadModel, type TrainingSet } from './model';
import { vectorOf } from './vector';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

/** People whose conversion depends on sessions and the pricing page, nothing else. */
function people(rng: Prng, n: number, asOf: number): LeadExample[] {
  return Array.from({ length: n }, (_, i) => {
    const sessions = 1 + rng.poisson(2);
    const pricing = rng.chance(0.3) ? 1 : 0;
    const label = rng.chance(1 / (1 + Math.exp(4 - 0.5 * sessions - 2 * pricing)));
    return {
      pid: `v${i}`,
      label,
      features: {
        identified: false,
        last_ms: asOf - rng.int(0, 30) * DAY,
        sessions,
        pageviews: sessions * 2,
        key_pages: [pricing, 0, 0],
        goals: 0,
        engaged_ms: 0,
        scroll_max: 0,
        forms: 0,
        form_starts: 0,
        days_active: sessions,
        first_channel: 'Direct',
        device: 'desktop',
      },
    };
  });
}

describe('trainLeadModel', () => {
  const rng = new Prng('train-test');
  const set: TrainingSet = {
    train: [NOW - 3 * 7 * DAY, NOW - 2 * 7 * DAY].map((cutoff) => ({ cutoff, examples: people(rng, 6000, cutoff) })),
    validation: { cutoff: NOW - 7 * DAY, examples: people(rng, 4000, NOW - 7 * DAY) },
  };
  const ctx = { goal_id: 'g', horizon_days: 7, rules: DEFAULT_SCORING_RULES, goals: [] };

  it('takes the class weights’ shift off again: predictions average near the true rate', () => {
    const t = trainLeadModel(set, ctx);
    const train = set.train.flatMap((c) => c.examples.map((e) => ({ e, cutoff: c.cutoff })));
    const rate = t.people.train_positive / t.people.train;
    expect(t.model.prior_shift).toBeCloseTo(Math.log((t.people.train - t.people.train_positive) / t.people.train_positive), 12);
    const mean = train.reduce((a, { e, cutoff }) => a + probability(t.model, vectorOf(e.features, cutoff)), 0) / train.length;
    // Weighted fits are not exactly calibrated in the mean; within a fifth of the rate.
    expect(Math.abs(mean - rate)).toBeLessThan(rate / 5);
    // The generating behaviours lead the features, with the right signs.
    const coef = Object.fromEntries(t.model.features.map((f, j) => [f, t.model.coef[j]!]));
    expect(coef['key_page:pricing']).toBeGreaterThan(0.3);
    expect(coef.sessions).toBeGreaterThan(0.3);
    expect(t.metrics.auc).toBeGreaterThan(0.7);
  });

  it('samples the non-converters past maxRows, keeping every converter, with nearly the same model', () => {
    const full = trainLeadModel(set, ctx);
    const half = trainLeadModel(set, { ...ctx, maxRows: 6000 });
    expect(half.people).toEqual(full.people);
    expect(half.model.prior_shift).toBe(full.model.prior_shift);
    expect(Math.abs(half.metrics.auc - full.metrics.auc)).toBeLessThan(0.02);
  });

  it('explains a score by each feature’s effect: the score minus the score with that feature at the average', () => {
    const t = trainLeadModel(set, ctx);
    const f = set.validation.examples.find((e) => e.features.key_pages[0] === 1)!.features;
    const s = modelScoreOf(t.model, f, NOW);
    expect(s.score).toBe(Math.round(100 * probability(t.model, vectorOf(f, NOW))));
    const j = t.model.features.indexOf('key_page:pricing');
    const v = vectorOf(f, NOW);
    const atMean = [...v];
    atMean[j] = t.model.mean[j]!;
    const effect = Math.round(1000 * (probability(t.model, v) - probability(t.model, atMean))) / 10;
    expect(s.score_reasons.find((r) => r.rule === 'key_page:pricing')?.points).toBe(effect);
  });
});
