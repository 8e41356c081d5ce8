import type { LeadModelCalibrationBin } from '@tidemark/core';

/**
 * Area under the ROC curve: the chance that a random positive scores above a random negative (ties
 * count half), from the ranks (Mann–Whitney U). NaN when a class is missing.
 */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  const idx = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && idx[j]![0] === idx[i]![0]) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (labels[idx[k]![1]]) {
        rankSumPos += avgRank;
        pos++;
      }
    i = j;
  }
  const neg = scores.length - pos;
  if (!pos || !neg) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Precision and recall of "score ≥ threshold" as the prediction of a positive. */
export function precisionRecall(scores: readonly number[], labels: readonly boolean[], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    if (s >= threshold) labels[i] ? tp++ : fp++;
    else if (labels[i]) fn++;
  });
  return { precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0 };
}

/** The threshold among the scores with the best F1 (ties: the higher threshold). */
export function bestF1Threshold(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => b[0] - a[0]);
  const positives = labels.filter(Boolean).length;
  let tp = 0;
  let best = { f1: -1, t: order[0]?.[0] ?? 0.5 };
  for (let i = 0; i < order.length; i++) {
    if (order[i]![1]) tp++;
    if (i + 1 < order.length && order[i + 1]![0] === order[i]![0]) continue;
    const f1 = (2 * tp) / (i + 1 + positives);
    if (f1 > best.f1) best = { f1, t: order[i]![0] };
  }
  return best.t;
}

/** Calibration: predicted probabilities in `bins` equal-width bins; each non-empty bin's mean prediction and observed rate. */
export function calibrationBins(probs: readonly number[], labels: readonly boolean[], bins = 10): LeadModelCalibrationBin[] {
  const out = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, predicted: 0, observed: 0 }));
  probs.forEach((p, i) => {
    const b = out[Math.min(bins - 1, Math.floor(p * bins))]!;
    b.count++;
    b.predicted += p;
    b.observed += labels[i] ? 1 : 0;
  });
  return out.filter((b) => b.count > 0).map((b) => ({ ...b, predicted: b.predicted / b.count, observed: b.observed / b.count }));
}
