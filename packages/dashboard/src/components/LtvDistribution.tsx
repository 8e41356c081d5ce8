import type { AtRiskList } from '@tidemark/core';
import { DataTable } from './DataTable';
import { formatMoney, formatNumber } from '../lib/format';

/** Expected 12-month value of every eligible person, in bands, as bars with the table beside them. */
export function LtvDistribution({ data }: { data: AtRiskList }) {
  if (!data.ltv_distribution.length) return <p className="muted">No values: the site has no purchases, so active days are counted.</p>;
  const money = (n: number) => (data.currency ? formatMoney(n, data.currency) : formatNumber(n));
  const label = (b: AtRiskList['ltv_distribution'][number]) =>
    b.to === null ? `${money(b.from)} and more` : `${money(b.from)} – ${money(b.to)}`;
  const max = Math.max(1, ...data.ltv_distribution.map((b) => b.people));
  return (
    <>
      <ul className="bar-list" aria-hidden="true" data-testid="ltv-bands">
        {data.ltv_distribution.map((b) => (
          <li key={b.from} className="bar-row">
            <span className="bar-button">
              <span className="bar" style={{ width: `${(b.people / max) * 100}%` }} />
              <span className="bar-label">{label(b)}</span>
            </span>
            <span className="bar-value">{formatNumber(b.people)}</span>
          </li>
        ))}
      </ul>
      <DataTable
        caption="Expected lifetime value"
        rows={data.ltv_distribution}
        columns={[
          { key: 'band', header: 'Expected value', render: label },
          { key: 'n', header: 'People', render: (b) => formatNumber(b.people), numeric: true },
        ]}
      />
    </>
  );
}
