import type { RevenueReportBody } from '@tidemark/core';
import { DataTable } from './DataTable';
import { Link } from './Link';
import { formatDateTime, formatMoney } from '../lib/format';
import { profileLabel } from '../lib/people-view';

type Transaction = RevenueReportBody['transactions'][number];

/** The payer: a link to their profile (People page: journey, devices, traits) when a visitor is known. */
function Payer({ siteId, t }: { siteId: string; t: Transaction }) {
  if (!t.profile_id) return <>–</>;
  return (
    <Link to={`/sites/${siteId}/people/${encodeURIComponent(t.profile_id)}`} title={`Profile of ${t.visitor_id ?? ''}`}>
      {profileLabel(t.profile_id)}
    </Link>
  );
}

/** The latest transactions: masked e-mails, the source they are credited to, refunds as negative amounts, each payer's profile. */
export function TransactionsTable({ siteId, report }: { siteId: string; report?: RevenueReportBody }) {
  const c = report?.currency ?? 'USD';
  return (
    <section className="card" aria-label="Transactions" data-testid="revenue-transactions">
      <h2>Transactions</h2>
      <DataTable
        caption="Latest transactions"
        rows={report?.transactions ?? []}
        columns={[
          { key: 'time', header: 'Time', render: (t) => formatDateTime(Date.parse(t.timestamp)) },
          { key: 'amount', header: 'Amount', numeric: true, render: (t) => formatMoney(t.amount, c) },
          { key: 'product', header: 'Product', render: (t) => t.product || (t.kind === 'refund' ? 'Refund' : '') },
          { key: 'email', header: 'Customer', render: (t) => t.customer_email },
          { key: 'source', header: 'Source', render: (t) => t.attributed_source },
          { key: 'campaign', header: 'Campaign', render: (t) => t.attributed_campaign },
          { key: 'payer', header: 'Payer', render: (t) => <Payer siteId={siteId} t={t} /> },
        ]}
      />
    </section>
  );
}
