import type { GoalDefinition, KeyPageRule, LeadModelMetrics, ScoreReason, ScoringRules } from '@tidemark/core';
import type { LeadExample, PersonFeatures, ProfileScore, ProfileScorer } from '../stats';
import { fitLogistic, sigmoid, standardise, standardiser } from './logistic';
import { auc, bestF1Threshold, calibrationBins, precisionRecall } from './metrics';
import { scoreOf } from './score';
import { featureNamesFor, vectorOf } from './vector';

/** A trained lead-score model: coefficients and the scales they apply to; no person's data. */
export interface LeadModel {
  version: 1;
  goal_id: string;
  horizon_days: number;
  /** The key pages and scored goals the features were read with (the rules' and site's at training). */
  key_pages: KeyPageRule[];
  goals: GoalDefinition[];
  features: string[];
  mean: number[];
  std: number[];
  coef: number[];
  intercept: number;
  /** log(w₊/w₋) of the class weights, taken off the logit so the probability is the unweighted one. */
  prior_shift: number;
}

export interface TrainingSet {
  train: Array<{ cutoff: number; examples: LeadExample[] }>;
  validation: { cutoff: number; examples: LeadExample[] };
}

export interface TrainedLeadModel {
  model: LeadModel;
  metrics: LeadModelMetrics;
  people: { train: number; validation: number; train_positive: number; validation_positive: number };
}

const MAX_REASONS = 5;
const TOP_FEATURES = 8;
const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The model's probability of conversion for an input vector (raw, not standardised). */
export function probability(m: LeadModel, v: readonly number[]): number {
  const z = standardise(m, v);
  return sigmoid(m.intercept - m.prior_shift + z.reduce((a, x, j) => a + x * m.coef[j]!, 0));
}

/** Training rows beyond which the non-converters are sampled (Newton's method costs rows × features²). */
export const MAX_TRAIN_ROWS = 400_000;

/**
 * Trains on the earlier cutoffs, measures on the later one. Classes are weighted to count alike
 * (w = n / (2·n_class)); the weights' shift of the log-odds is taken off again afterwards (prior
 * correction: log(non-converters / converters) of all the training people). Past `maxRows`, every
 * converter is kept and a deterministic share of the others; the weights make up for it.
 */
export function trainLeadModel(
  set: TrainingSet,
  ctx: { goal_id: string; horizon_days: number; rules: ScoringRules; goals: GoalDefinition[]; l2?: number; maxRows?: number },
): TrainedLeadModel {
  const rows = set.train.flatMap((c) => c.examples.map((e) => ({ v: vectorOf(e.features, c.cutoff), y: e.label })));
  const n = rows.length;
  const pos = rows.filter((r) => r.y).length;
  if (pos < 5 || n - pos < 5) throw new Error(`too few people to learn from: ${pos} converted, ${n - pos} did not (5 of each needed)`);
  const max = ctx.maxRows ?? MAX_TRAIN_ROWS;
  const rate = n > max ? Math.max(0, max - pos) / (n - pos) : 1;
  // A multiplicative hash of the row's index: the same rows on every run.
  const fitRows = rate < 1 ? rows.filter((r, i) => r.y || ((i * 2654435761) >>> 0) / 2 ** 32 < rate) : rows;
  const fn = fitRows.length;
  const fpos = fitRows.filter((r) => r.y).length;
  const s = standardiser(fitRows.map((r) => r.v));
  const wPos = fn / (2 * fpos);
  const wNeg = fn / (2 * (fn - fpos));
  const x = fitRows.map((r) => standardise(s, r.v));
  const fit = fitLogistic(
    x,
    fitRows.map((r) => (r.y ? 1 : 0)),
    fitRows.map((r) => (r.y ? wPos : wNeg)),
    { l2: ctx.l2 ?? 1 },
  );
  const model: LeadModel = {
    version: 1,
    goal_id: ctx.goal_id,
    horizon_days: ctx.horizon_days,
    key_pages: ctx.rules.key_pages,
    goals: ctx.goals,
    features: featureNamesFor(ctx.rules.key_pages),
    mean: s.mean,
    std: s.std,
    coef: fit.coef,
    intercept: fit.intercept,
    prior_shift: Math.log((n - pos) / pos),
  };
  const trainProbs = rows.map((r) => probability(model, r.v));
  const threshold = bestF1Threshold(
    trainProbs,
    rows.map((r) => r.y),
  );
  const held = set.validation.examples;
  const labels = held.map((e) => e.label);
  const probs = held.map((e) => probability(model, vectorOf(e.features, set.validation.cutoff)));
  const rulesScores = held.map((e) => scoreOf(ctx.rules, e.features, set.validation.cutoff).score);
  const pr = precisionRecall(probs, labels, threshold);
  const top = model.features
    .map((feature, j) => ({ feature, coefficient: round(model.coef[j]!, 4), odds_ratio: round(Math.exp(model.coef[j]!), 4) }))
    .filter((f) => f.coefficient !== 0)
    .sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient) || (a.feature < b.feature ? -1 : 1))
    .slice(0, TOP_FEATURES);
  return {
    model,
    metrics: {
      auc: auc(probs, labels),
      rules_auc: auc(rulesScores, labels),
      threshold: round(threshold * 100, 2),
      precision: pr.precision,
      recall: pr.recall,
      calibration: calibrationBins(probs, labels),
      top_features: top,
      train_cutoffs: set.train.map((c) => c.cutoff),
      validation_cutoff: set.validation.cutoff,
    },
    people: { train: n, validation: held.length, train_positive: pos, validation_positive: labels.filter(Boolean).length },
  };
}

/**
 * Model-mode score of one person at `now`: the calibrated probability × 100, and as reasons the
 * features that moved it most: each one's points = the score minus the score with that feature at the
 * trained average.
 */
export function modelScoreOf(m: LeadModel, f: PersonFeatures, now: number): ProfileScore {
  const v = vectorOf(f, now);
  // Each feature's term of the logit (standardised input × coefficient), computed once.
  const terms = new Array<number>(v.length);
  let logit = m.intercept - m.prior_shift;
  for (let j = 0; j < v.length; j++) {
    terms[j] = ((v[j]! - m.mean[j]!) / m.std[j]!) * m.coef[j]!;
    logit += terms[j]!;
  }
  const p = sigmoid(logit);
  const reasons: ScoreReason[] = [];
  for (let j = 0; j < terms.length; j++) {
    if (terms[j] === 0) continue;
    const points = round(100 * (p - sigmoid(logit - terms[j]!)), 1);
    if (points !== 0) reasons.push({ rule: m.features[j]!, points });
  }
  reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.rule < b.rule ? -1 : 1));
  return { score: Math.min(100, Math.max(0, Math.round(100 * p))), score_reasons: reasons.slice(0, MAX_REASONS) };
}

/** The scorer the profile read model applies in model mode. */
export function modelScorer(m: LeadModel, now: number): ProfileScorer {
  return { keyPages: m.key_pages, goals: m.goals, score: (f) => modelScoreOf(m, f, now) };
}
