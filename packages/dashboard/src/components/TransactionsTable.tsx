import type { RevenueReportBody } from '@tidemark/core';
import { DataTable } from './DataTable';
import { formatMoney } from '../lib/format';

/** The latest transactions: masked e-mails, the source they are credited to, refunds as negative amounts. */
export function TransactionsTable({ report }: { report?: RevenueReportBody }) {
  const c = report?.currency ?? 'USD';
  return (
    <section className="card" aria-label="Transactions" data-testid="revenue-transactions">
      <h2>Transactions</h2>
      <DataTable
        caption="Latest transactions"
        rows={report?.transactions ?? []}
        columns={[
          { key: 'time', header: 'Time', render: (t) => new Date(t.timestamp).toLocaleString() },
          { key: 'amount', header: 'Amount', numeric: true, render: (t) => formatMoney(t.amount, c) },
          { key: 'product', header: 'Product', render: (t) => t.product || (t.kind === 'refund' ? 'Refund' : '') },
          { key: 'email', header: 'Customer', render: (t) => t.customer_email },
          { key: 'source', header: 'Source', render: (t) => t.attributed_source },
          { key: 'campaign', header: 'Campaign', render: (t) => t.attributed_campaign },
          {
            key: 'visitor',
            header: 'Visitor',
            render: (t) => (t.visitor_id ? <code title={t.visitor_id}>{t.visitor_id.slice(0, 10)}</code> : '–'),
          },
        ]}
      />
    </section>
  );
}
