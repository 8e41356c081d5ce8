import type { RevenueReportBody } from '@tidemark/core';
import { LineChart } from '../charts/LineChart';
import { DataTable } from './DataTable';
import { formatMoney } from '../lib/format';

/** MRR per month and what moved it: new, expansion, reactivated (up), contraction and churn (down). */
export function MrrMovements({ report }: { report?: RevenueReportBody }) {
  const rows = (report?.mrr_movements ?? []).filter((m) => m.converted);
  const c = report?.currency ?? 'USD';
  const money = (n: number | null) => formatMoney(n, c);
  return (
    <section className="card" aria-label="MRR movements" data-testid="mrr-movements">
      <h2>MRR movements</h2>
      <LineChart
        title="MRR by month"
        labels={rows.map((m) => m.month)}
        series={[
          { label: 'MRR', values: rows.map((m) => m.mrr), className: 'series-main' },
          { label: 'New', values: rows.map((m) => m.new + m.expansion + m.reactivated), className: 'series-prev' },
        ]}
        format={money}
        height={200}
      />
      <DataTable
        caption="MRR movements per month"
        rows={rows}
        columns={[
          { key: 'm', header: 'Month', render: (m) => m.month },
          { key: 'n', header: 'New', numeric: true, render: (m) => money(m.new) },
          { key: 'e', header: 'Expansion', numeric: true, render: (m) => money(m.expansion) },
          { key: 'r', header: 'Reactivated', numeric: true, render: (m) => money(m.reactivated) },
          { key: 'c', header: 'Contraction', numeric: true, render: (m) => money(m.contraction ? -m.contraction : 0) },
          { key: 'ch', header: 'Churned', numeric: true, render: (m) => money(m.churned ? -m.churned : 0) },
          { key: 'mrr', header: 'MRR', numeric: true, render: (m) => money(m.mrr) },
        ]}
      />
    </section>
  );
}
