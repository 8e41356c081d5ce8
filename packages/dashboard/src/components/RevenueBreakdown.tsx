import type { AttributionModelName } from '@tidemark/core';
import { statsApi } from '../api/stats';
import { useAsync } from '../lib/use-async';
import type { ViewState } from '../lib/view-state';
import { formatMoney, formatNumber } from '../lib/format';
import { MODEL_LABELS, REVENUE_BY } from '../lib/revenue-view';
import { DataTable } from './DataTable';
import { ErrorBanner } from './ErrorBanner';

const METRICS = ['total_revenue', 'transactions', 'paying_visitors', 'visitors', 'revenue_per_visitor', 'average_order_value'];

interface Props {
  siteId: string;
  view: ViewState;
  model: AttributionModelName;
  by: string;
  currency: string;
  onBy: (dimension: string) => void;
}

/** Revenue metrics of the stats engine by any of the offered dimensions, under the page's attribution model. */
export function RevenueBreakdown({ siteId, view, model, by, currency, onBy }: Props) {
  const rows = useAsync(
    (signal) => statsApi.breakdown(siteId, view, by, METRICS, 50, signal, { attribution_model: model }),
    [siteId, by, model, JSON.stringify(view)],
  );
  const label = REVENUE_BY.find((b) => b.dimension === by)?.label ?? by;
  const list = (rows.data ?? []).filter((r) => Number(r.values.total_revenue) !== 0 || Number(r.values.transactions) !== 0);
  const num = (r: (typeof list)[number], m: string) => Number(r.values[m] ?? 0);
  return (
    <section className="card" aria-label="Revenue by dimension" data-testid="revenue-by">
      <div className="card-head">
        <h2>Revenue by {label.toLowerCase()}</h2>
        <label>
          Break down by{' '}
          <select value={by} onChange={(e) => onBy(e.target.value)} data-testid="revenue-by-dimension">
            {REVENUE_BY.map((b) => (
              <option key={b.dimension} value={b.dimension}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{MODEL_LABELS[model]}</span>
      </div>
      <ErrorBanner error={rows.error} />
      <div aria-busy={rows.loading}>
        <DataTable
          caption={`Revenue by ${label.toLowerCase()} (${MODEL_LABELS[model]})`}
          rows={list}
          columns={[
            { key: 'l', header: label, render: (r) => <span className="truncate">{r.label || '(none)'}</span> },
            { key: 'r', header: 'Revenue', numeric: true, render: (r) => formatMoney(num(r, 'total_revenue'), currency) },
            { key: 't', header: 'Transactions', numeric: true, render: (r) => formatNumber(num(r, 'transactions')) },
            { key: 'p', header: 'Paying visitors', numeric: true, render: (r) => formatNumber(num(r, 'paying_visitors')) },
            { key: 'v', header: 'Visitors', numeric: true, render: (r) => formatNumber(num(r, 'visitors')) },
            { key: 'rpv', header: 'Revenue / visitor', numeric: true, render: (r) => formatMoney(num(r, 'revenue_per_visitor'), currency) },
            { key: 'aov', header: 'Avg. order', numeric: true, render: (r) => formatMoney(num(r, 'average_order_value'), currency) },
          ]}
        />
      </div>
    </section>
  );
}
