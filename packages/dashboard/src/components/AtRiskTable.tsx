import type { AtRiskList } from '@tidemark/core';
import { DataTable } from './DataTable';
import { Link } from './Link';
import { formatMoney, formatNumber } from '../lib/format';
import { asPercent } from '../lib/churn-view';

/** People flagged at risk and not yet lapsed, each linking to their profile. */
export function AtRiskTable({ siteId, data }: { siteId: string; data: AtRiskList }) {
  if (!data.people.length) return <p className="muted">Nobody is at risk right now.</p>;
  return (
    <DataTable
      caption="People at risk"
      rows={data.people}
      columns={[
        {
          key: 'id',
          header: 'Person',
          render: (p) => <Link to={`/sites/${siteId}/people/${encodeURIComponent(p.id)}`}>{p.user_id}</Link>,
        },
        { key: 'last', header: 'Last seen', render: (p) => p.last_seen_on },
        { key: 'lapse', header: 'Lapses on', render: (p) => p.lapse_on },
        { key: 'n', header: 'Transactions', render: (p) => formatNumber(p.transactions), numeric: true },
        { key: 'p30', header: 'Active in 30 days', render: (p) => asPercent(p.p_active_30d), numeric: true },
        {
          key: 'ltv',
          header: 'Expected value',
          render: (p) =>
            p.expected_ltv === null ? '–' : data.currency ? formatMoney(p.expected_ltv, data.currency) : formatNumber(p.expected_ltv),
          numeric: true,
        },
      ]}
    />
  );
}
