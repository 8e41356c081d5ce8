import type { FunnelStats } from '@tidemark/core';
import { formatDuration, formatNumber } from '../lib/format';

const pct = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;

/** One bar per step (entrants at or beyond it), with the drop-off and the median time between steps. */
export function FunnelChart({ stats }: { stats: FunnelStats }) {
  const first = Math.max(1, stats.steps[0]?.visitors ?? 0);
  return (
    <ol className="funnel-chart" aria-label="Funnel steps">
      {stats.steps.map((s, i) => (
        <li key={s.order} className="funnel-step" data-testid={`funnel-step-${s.order}`}>
          {i > 0 && (
            <div className="funnel-between muted small" data-testid={`funnel-between-${s.order}`}>
              <span>
                ↓ {pct(s.step_conversion_rate)} continued
                {s.median_seconds_from_previous !== null && <> · median {formatDuration(Math.round(s.median_seconds_from_previous))}</>}
              </span>
              <span className="funnel-dropped">
                {formatNumber(stats.steps[i - 1].drop_off)} dropped off ({pct(stats.steps[i - 1].drop_off_rate)})
              </span>
            </div>
          )}
          <div className="funnel-row">
            <span className="funnel-name">
              {s.order}. {s.name}
            </span>
            <span className="funnel-track">
              <span className="funnel-bar" style={{ width: `${(s.visitors / first) * 100}%` }} aria-hidden="true" />
            </span>
            <span className="funnel-value">
              <strong data-testid={`funnel-visitors-${s.order}`}>{formatNumber(s.visitors)}</strong>{' '}
              <span className="muted small">{pct(s.conversion_rate)}</span>
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}
