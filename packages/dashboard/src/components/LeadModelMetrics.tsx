import type { LeadModelStatus } from '@tidemark/core';
import { formatDateTime } from '../lib/format';
import { CalibrationPlot } from './CalibrationPlot';
import { reasonLabel } from './ScoreBadge';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** A trained model's held-out quality: AUC against the rules, precision/recall, calibration, top features. */
export function LeadModelMetrics({ status }: { status: LeadModelStatus }) {
  const m = status.metrics;
  if (!m) return null;
  const p = status.people;
  return (
    <div className="stack">
      <p>
        Trained {formatDateTime(status.trained_at)} on {p?.train ?? 0} people ({p?.train_positive ?? 0} converted), checked on{' '}
        {p?.validation ?? 0} later held-out people ({p?.validation_positive ?? 0} converted).
      </p>
      <table className="table">
        <caption>Held-out quality</caption>
        <tbody>
          <tr>
            <th scope="row">AUC, model</th>
            <td data-metric="auc">{m.auc.toFixed(3)}</td>
          </tr>
          <tr>
            <th scope="row">AUC, rules</th>
            <td data-metric="rules_auc">{m.rules_auc.toFixed(3)}</td>
          </tr>
          <tr>
            <th scope="row">Precision at score ≥ {m.threshold.toFixed(1)}</th>
            <td data-metric="precision">{pct(m.precision)}</td>
          </tr>
          <tr>
            <th scope="row">Recall at score ≥ {m.threshold.toFixed(1)}</th>
            <td data-metric="recall">{pct(m.recall)}</td>
          </tr>
        </tbody>
      </table>
      <CalibrationPlot bins={m.calibration} />
      <table className="table">
        <caption>Top features (effect per standard deviation)</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Coefficient</th>
            <th scope="col">Odds ×</th>
          </tr>
        </thead>
        <tbody>
          {m.top_features.map((f) => (
            <tr key={f.feature}>
              <td title={f.feature}>{reasonLabel(f.feature)}</td>
              <td>{f.coefficient.toFixed(3)}</td>
              <td>{f.odds_ratio.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
