import type { RevenueReportBody } from '@tidemark/core';
import { formatMoney, formatPercent } from '../lib/format';

/** Revenue, MRR, ARR, revenue per visitor and conversion rate of the period. */
export function RevenueKpis({ report, loading }: { report?: RevenueReportBody; loading: boolean }) {
  const c = report?.currency ?? 'USD';
  const items = [
    { id: 'revenue', label: 'Revenue', value: formatMoney(report?.total_revenue, c) },
    { id: 'mrr', label: 'MRR', value: formatMoney(report?.mrr, c) },
    { id: 'arr', label: 'ARR', value: formatMoney(report?.arr, c) },
    { id: 'rpv', label: 'Revenue / visitor', value: formatMoney(report?.revenue_per_visitor, c) },
    { id: 'cr', label: 'Conversion rate', value: formatPercent(report?.conversion_rate) },
  ];
  return (
    <dl className="kpi-row" aria-busy={loading} aria-label="Revenue key figures">
      {items.map((k) => (
        <div key={k.id} className="kpi">
          <dt className="kpi-label">{k.label}</dt>
          <dd className="kpi-value" data-testid={`revenue-kpi-${k.id}`}>
            {report ? k.value : '…'}
          </dd>
        </div>
      ))}
    </dl>
  );
}
