import type { LifetimeModel } from '@tidemark/core';
import { formatDateTime, formatNumber } from '../lib/format';
import { asPercent } from '../lib/churn-view';
import { Facts } from './Facts';

const STATUS: Record<LifetimeModel['status'], string> = {
  none: 'Not trained yet',
  training: 'Training…',
  ready: 'Ready',
  failed: 'The last training failed',
  insufficient_data: 'Too little data',
};

/** The churn model's state and its accuracy on the site's held-out month (docs/churn-ltv.md). */
export function ChurnModelCard({ model, canTrain, onTrain }: { model: LifetimeModel; canTrain: boolean; onTrain: () => void }) {
  const m = model.metrics;
  const facts: [string, string][] = [
    ['Status', STATUS[model.status]],
    ['Trained', model.trained_at ? formatDateTime(model.trained_at) : '–'],
    ['People', formatNumber(model.people)],
    ['Counts', model.params ? (model.params.basis === 'purchases' ? 'Purchase days' : 'Active days') : '–'],
  ];
  if (m)
    facts.push(
      ['AUC (returns in the next 30 days)', m.auc === null ? '–' : m.auc.toFixed(3)],
      ['Predicted / actual repeat transactions', `${formatNumber(m.repeat_predicted)} / ${formatNumber(m.repeat_actual)}`],
      ['Error per person (transactions)', formatNumber(m.repeat_mae)],
      ['Value error per person (30 days)', m.ltv_mae === null ? '–' : formatNumber(m.ltv_mae)],
      ['Total value error', m.ltv_total_error_pct === null ? '–' : `${m.ltv_total_error_pct}%`],
      ['Flag threshold (p active 30 days)', asPercent(m.threshold)],
      ['Flag precision / recall', `${asPercent(m.flag_precision)} / ${asPercent(m.flag_recall)}`],
      ['Lapses flagged ≥ 72 h ahead', m.flagged_ahead_share === null ? '–' : `${asPercent(m.flagged_ahead_share)} of ${m.lapsed_people}`],
    );
  return (
    <section className="card" aria-label="Churn model">
      <h2>Model quality</h2>
      <Facts facts={facts} testId="churn-model" />
      {model.error && <p className="muted">{model.error}</p>}
      {m && (
        <p className="muted small">
          Fitted on everything before {formatDateTime(m.calibration_end)} and judged on the {m.holdout_days} days after it, on {m.people}{' '}
          people with a repeat transaction.
        </p>
      )}
      {canTrain && (
        <button className="button" type="button" onClick={onTrain} disabled={model.status === 'training'}>
          Train now
        </button>
      )}
    </section>
  );
}
