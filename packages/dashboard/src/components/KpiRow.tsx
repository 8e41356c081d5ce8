import type { MetricValue } from '@tidemark/core';
import { metricOf } from '../api/stats';
import { KPI_METRICS } from '../lib/dimensions';
import { formatMetric } from '../lib/format';

function Change({ change, lowerIsBetter }: { change: number | null | undefined; lowerIsBetter?: boolean }) {
  if (change === null || change === undefined || Number.isNaN(change)) return null;
  const up = change > 0;
  const good = change === 0 ? 'flat' : up !== !!lowerIsBetter ? 'good' : 'bad';
  return (
    <span className={`kpi-change ${good}`}>
      <span aria-hidden="true">{change === 0 ? '→' : up ? '↑' : '↓'}</span>
      <span className="visually-hidden">{up ? 'up' : change < 0 ? 'down' : 'unchanged'}</span> {Math.abs(Math.round(change * 10) / 10)}%
    </span>
  );
}

interface Props {
  metrics?: Record<string, MetricValue | number>;
  /** new_visitors and returning_visitors, shown under Visitors once loaded. */
  split?: Record<string, MetricValue | number>;
  selected: string;
  onSelect: (m: string) => void;
  loading: boolean;
}

/** "12 new · 3 returning": returning = the visitor id was seen before the period. */
function VisitorSplit({ split }: { split: Record<string, MetricValue | number> }) {
  const fresh = metricOf(split.new_visitors).value;
  const returning = metricOf(split.returning_visitors).value;
  return (
    <span
      className="kpi-split"
      data-testid="kpi-visitor-split"
      title="Returning: the visitor was seen before this period (with cookieless ids, only within a day)"
    >
      {formatMetric('new_visitors', fresh)} new · {formatMetric('returning_visitors', returning)} returning
    </span>
  );
}

/** Headline numbers; choosing one switches the main chart to that metric. */
export function KpiRow({ metrics, split, selected, onSelect, loading }: Props) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not form fields
    <div className="kpi-row" role="group" aria-label="Key metrics" aria-busy={loading}>
      {KPI_METRICS.map((k) => {
        const m = metricOf(metrics?.[k.metric]);
        return (
          <button
            key={k.metric}
            type="button"
            className="kpi"
            aria-pressed={selected === k.metric}
            onClick={() => onSelect(k.metric)}
            data-testid={`kpi-${k.metric}`}
            data-loaded={metrics ? 'true' : 'false'}
          >
            <span className="kpi-label">{k.label}</span>
            <span className="kpi-value">{metrics ? formatMetric(k.metric, m.value) : loading ? '…' : '–'}</span>
            <Change change={m.change} lowerIsBetter={k.lowerIsBetter} />
            {k.metric === 'visitors' && split && <VisitorSplit split={split} />}
          </button>
        );
      })}
    </div>
  );
}
