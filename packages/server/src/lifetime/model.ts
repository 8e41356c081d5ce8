import type { LifetimeMetrics, LifetimeParams } from '@tidemark/core';
import type { LifetimeDays } from '../stats';
import { expectedTransactions, fitBgNbd, pAlive, pReturnWithin } from './bgnbd';
import { expectedSpend, fitGammaGamma } from './gamma-gamma';
import { DAY_MS, groupByPerson, summarize, type PersonDays, type PersonSummary } from './summary';

/** Held-out window and the horizon of p_active_30d (days). */
export const HOLDOUT_DAYS = 30;
/** A person has lapsed after this many days without a transaction (docs/churn-ltv.md). */
export const LAPSE_DAYS = 30;
/** The churn flag's promise: raised at least this long before the lapse. */
export const LEAD_DAYS = 3;
/** Expected lifetime value: this many periods of 30 days, each discounted by DISCOUNT_PER_PERIOD. */
export const LTV_PERIODS = 12;
export const DISCOUNT_PER_PERIOD = 0.01;
/** Fewer eligible people than this at the calibration end: no model. */
export const MIN_PEOPLE = 20;

export interface PersonPrediction {
  p_alive: number;
  p_active_30d: number;
  expected_transactions_30d: number;
  expected_ltv: number | null;
  churn_risk: boolean;
}

const HORIZONS = Array.from({ length: LTV_PERIODS + 1 }, (_, k) => k * 30);

/** A person's numbers under the model; null when not eligible (no repeat transaction yet). */
export function predict(m: LifetimeParams, s: PersonSummary | null): PersonPrediction | null {
  if (!s || s.x < 1) return null;
  const expected = expectedTransactions(m.bgnbd, s, HORIZONS);
  const p30 = pReturnWithin(m.bgnbd, s, HOLDOUT_DAYS);
  let ltv: number | null = null;
  if (m.gamma_gamma && s.spend.n > 0) {
    let discounted = 0;
    for (let k = 1; k <= LTV_PERIODS; k++) discounted += (expected[k]! - expected[k - 1]!) / (1 + DISCOUNT_PER_PERIOD) ** k;
    ltv = expectedSpend(m.gamma_gamma, s.spend) * discounted;
  }
  return {
    p_alive: pAlive(m.bgnbd, s),
    p_active_30d: p30,
    expected_transactions_30d: expected[1]!,
    expected_ltv: ltv,
    churn_risk: p30 < m.threshold,
  };
}

export type TrainResult =
  | { status: 'ready'; params: LifetimeParams; metrics: LifetimeMetrics; people: number }
  | { status: 'insufficient_data'; people: number; reason: string };

/**
 * Calibration and holdout split in time: the models are fitted on what happened before the calibration
 * end (HOLDOUT_DAYS before today's start), judged on the holdout, and the flag's threshold chosen there;
 * then fitted again on everything for the live parameters (the threshold stays).
 */
export function trainLifetime(data: LifetimeDays, nowMs: number): TrainResult {
  const people = groupByPerson(data.days);
  const today = Math.floor(nowMs / DAY_MS);
  const cutDay = today - HOLDOUT_DAYS;
  const cutMs = cutDay * DAY_MS;
  const calibration = people.map((p) => summarize(p, cutMs)).filter((s): s is PersonSummary => s !== null);
  const eligible = calibration.filter((s) => s.x >= 1);
  if (eligible.length < MIN_PEOPLE)
    return {
      status: 'insufficient_data',
      people: eligible.length,
      reason: `${eligible.length} people with a repeat transaction before the holdout; at least ${MIN_PEOPLE} are needed`,
    };
  const purchases = data.basis === 'purchases';
  const calParams: LifetimeParams = {
    basis: data.basis,
    currency: data.currency,
    bgnbd: fitBgNbd(calibration).params,
    gamma_gamma: purchases ? fitGammaGamma(calibration.map((s) => s.spend)).params : null,
    threshold: 0.5,
  };
  const byPid = new Map(people.map((p) => [p.pid, p]));
  const held = eligible.map((s) => {
    const p = byPid.get(s.pid)!;
    let count = 0;
    let value = 0;
    p.days.forEach((d, i) => {
      if (d >= cutDay && d < today) {
        count += 1;
        value += p.values[i]!;
      }
    });
    const pred = predict(calParams, s)!;
    const spend = calParams.gamma_gamma && s.spend.n > 0 ? expectedSpend(calParams.gamma_gamma, s.spend) : null;
    return {
      lastDay: s.lastDay,
      p30: pred.p_active_30d,
      e30: pred.expected_transactions_30d,
      count,
      value,
      valuePred: spend === null ? null : spend * pred.expected_transactions_30d,
    };
  });
  const returned = held.map((h) => h.count > 0);
  // The threshold is chosen among the people not yet lapsed at the calibration end (the ones a flag can still
  // warn of): the one that best tells who will not come back in the holdout (Youden's J).
  const open = held.filter((h) => h.lastDay + LAPSE_DAYS > cutDay);
  calParams.threshold = youdenThreshold(
    open.map((h) => h.p30),
    open.map((h) => h.count === 0),
  );
  const flaggedOpen = open.filter((h) => h.p30 < calParams.threshold);
  const tp = flaggedOpen.filter((h) => h.count === 0).length;
  const leaving = open.filter((h) => h.count === 0).length;
  const valued = held.filter((h) => h.valuePred !== null);
  const actualTotal = valued.reduce((a, h) => a + h.value, 0);
  const lead = leadShare(people, calParams, cutDay, today);
  const full = people.map((p) => summarize(p, nowMs)).filter((s): s is PersonSummary => s !== null);
  const params: LifetimeParams = {
    ...calParams,
    bgnbd: fitBgNbd(full).params,
    gamma_gamma: purchases ? fitGammaGamma(full.map((s) => s.spend)).params : null,
  };
  const metrics: LifetimeMetrics = {
    calibration_end: cutMs,
    holdout_days: HOLDOUT_DAYS,
    people: held.length,
    returned: returned.filter(Boolean).length,
    auc: auc(
      held.map((h) => h.p30),
      returned,
    ),
    repeat_predicted: round(
      held.reduce((a, h) => a + h.e30, 0),
      1,
    ),
    repeat_actual: held.reduce((a, h) => a + h.count, 0),
    repeat_mae: round(held.reduce((a, h) => a + Math.abs(h.e30 - h.count), 0) / held.length, 3),
    ltv_mae: valued.length ? round(valued.reduce((a, h) => a + Math.abs(h.valuePred! - h.value), 0) / valued.length, 2) : null,
    ltv_total_error_pct:
      valued.length && actualTotal > 0
        ? round(((valued.reduce((a, h) => a + h.valuePred!, 0) - actualTotal) / actualTotal) * 100, 1)
        : null,
    threshold: round(calParams.threshold, 4),
    open_people: open.length,
    flag_precision: flaggedOpen.length ? round(tp / flaggedOpen.length, 3) : null,
    flag_recall: leaving ? round(tp / leaving, 3) : null,
    lapsed_people: lead.lapsed,
    flagged_ahead_share: lead.lapsed ? round(lead.flagged / lead.lapsed, 3) : null,
  };
  return { status: 'ready', params, metrics, people: full.filter((s) => s.x >= 1).length };
}

/**
 * The flag's lead on held-out lapses: people whose lapse (last transaction day + LAPSE_DAYS) fell in the
 * holdout, judged as they stood LEAD_DAYS before it with the calibration's parameters.
 */
function leadShare(people: PersonDays[], m: LifetimeParams, cutDay: number, today: number): { lapsed: number; flagged: number } {
  let lapsed = 0;
  let flagged = 0;
  for (const p of people) {
    const last = p.days[p.days.length - 1]!;
    const lapse = last + LAPSE_DAYS;
    if (lapse <= cutDay || lapse > today) continue;
    const pred = predict(m, summarize(p, (lapse - LEAD_DAYS) * DAY_MS));
    if (!pred) continue;
    lapsed += 1;
    if (pred.churn_risk) flagged += 1;
  }
  return { lapsed, flagged };
}

/** Area under the ROC curve of `score` for `label` (Mann–Whitney, ties counted half); null without both classes. */
export function auc(score: readonly number[], label: readonly boolean[]): number | null {
  const order = score.map((_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]!] === score[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (label[order[k]!]) {
        pos += 1;
        rankSum += rank;
      }
    i = j + 1;
  }
  const neg = score.length - pos;
  if (!pos || !neg) return null;
  return round((rankSum - (pos * (pos + 1)) / 2) / (pos * neg), 4);
}

/** The threshold t maximising TPR − FPR when `score < t` flags `positive` (Youden's J), between observed scores. */
export function youdenThreshold(score: readonly number[], positive: readonly boolean[]): number {
  const P = positive.filter(Boolean).length;
  const N = positive.length - P;
  if (!P || !N) return 0.5;
  const order = score.map((_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let best = { j: -1, t: 0.5 };
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (positive[order[i]!]) tp += 1;
    else fp += 1;
    const next = order[i + 1];
    if (next !== undefined && score[next] === score[order[i]!]) continue;
    const j = tp / P - fp / N;
    const t = next === undefined ? score[order[i]!]! + 1e-9 : (score[order[i]!]! + score[next]!) / 2;
    if (j > best.j) best = { j, t };
  }
  return best.t;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
